// Package article defines the Article, the unit Storyline ingests, and the
// readers that turn files in several formats into a stream of Articles.
package article

import (
	"errors"
	"fmt"
	"time"
)

// An Article is one news article as a reader produced it, before any analysis.
type Article struct {
	ID     string
	Title  string
	Text   string
	URL    string
	Source string
	// Author is the byline's name(s), when the input gives one.
	Author string
	Lang   string
	// Date is the publication date given with the article (UTC midnight);
	// the zero Time when the input did not give one.
	Date time.Time
	// Origin says where the article was read from ("path" or "path:line"),
	// so that later messages can point back at the input.
	Origin string
	// Gold holds evaluation labels when the input carries them.
	Gold Gold
}

// Gold holds the labels of a labelled development dataset. Ingestion ignores
// them; evaluation compares the pipeline's output against them.
type Gold struct {
	Event      string
	Topic      string
	Storyline  string
	Collection string
}

// HasDate reports whether the article came with a publication date.
func (a *Article) HasDate() bool { return !a.Date.IsZero() }

// ErrInvalidUTF8 is the error of a Problem reporting that invalid UTF-8 was
// replaced by U+FFFD: a warning about an article that was kept, repaired,
// not a reason it was skipped.
var ErrInvalidUTF8 = errors.New("invalid UTF-8 replaced")

// A Problem is an error confined to one place in the input: one file, one
// line or one field. Readers report it and carry on with the rest.
type Problem struct {
	Path  string
	Line  int    // 0 when the problem concerns the whole file
	Field string // empty when it concerns the whole item
	Err   error
}

func (p *Problem) Error() string {
	loc := p.Path
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, p.Line)
	}
	if p.Field != "" {
		loc += ": field " + p.Field
	}
	return loc + ": " + p.Err.Error()
}

func (p *Problem) Unwrap() error { return p.Err }
