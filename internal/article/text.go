package article

import (
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// dateHeader matches the optional first line of a text article,
// "date YYYY-MM-DD", which may run on into the first sentence.
var dateHeader = regexp.MustCompile(`^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*`)

// maxHeadlineRunes bounds what counts as a headline line: longer first lines
// are body text.
const maxHeadlineRunes = 160

// parseText reads a plain-text article: an optional date header, an optional
// headline (a short first line without final punctuation), then the body.
func parseText(path string, data []byte, yield func(Article, error) bool) bool {
	text, ok := validText(string(data))
	if !ok {
		if !yield(Article{}, &Problem{Path: path, Err: ErrInvalidUTF8}) {
			return false
		}
	}
	text = strings.TrimPrefix(text, "\ufeff")
	a := Article{ID: idFromPath(path), Origin: path, Lang: "en"}
	if m := dateHeader.FindStringSubmatchIndex(text); m != nil {
		d, err := time.Parse(time.DateOnly, text[m[2]:m[3]])
		if err != nil {
			if !yield(Article{}, &Problem{Path: path, Line: 1, Field: "date", Err: err}) {
				return false
			}
		} else if d, w := datedOrWarn(d, time.Now()); w != nil {
			w.Path, w.Line = path, 1
			if !yield(Article{}, w) {
				return false
			}
		} else {
			a.Date = d
		}
		text = text[m[1]:]
	}
	text = strings.TrimSpace(text)
	if first, rest, found := strings.Cut(text, "\n"); found && isHeadline(first) {
		a.Title = strings.TrimSpace(first)
		text = strings.TrimSpace(rest)
	}
	a.Text = text
	if a.Text == "" {
		return yield(Article{}, &Problem{Path: path, Err: errors.New("empty article, skipped")})
	}
	return yield(a, nil)
}

func isHeadline(line string) bool {
	line = strings.TrimSpace(line)
	n := len([]rune(line))
	if n == 0 || n > maxHeadlineRunes {
		return false
	}
	last := []rune(line)[n-1]
	return !unicode.IsPunct(last) || last == ')' || last == '\'' || last == '’'
}
