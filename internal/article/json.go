package article

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// record is the JSON shape of an article. Unknown fields are ignored.
type record struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Text       string `json:"text"`
	Date       string `json:"date"`
	URL        string `json:"url"`
	Source     string `json:"source"`
	Author     string `json:"author"`
	Lang       string `json:"lang"`
	Event      string `json:"event"`
	Topic      string `json:"topic"`
	Storyline  string `json:"storyline"`
	Collection string `json:"collection"`
}

// parseJSONLines reads one JSON object per line; blank lines are skipped.
func parseJSONLines(path string, data []byte, yield func(Article, error) bool) bool {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), len(data)+1)
	line := 0
	for sc.Scan() {
		line++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		if !yieldRecord(path, line, raw, yield) {
			return false
		}
	}
	if err := sc.Err(); err != nil {
		return yield(Article{}, &Problem{Path: path, Line: line + 1, Err: err})
	}
	return true
}

// parseJSON reads a JSON array of article objects or a single object; a JSON
// Feed (https://jsonfeed.org) goes to the feed reader instead.
func parseJSON(path string, data []byte, yield func(Article, error) bool) bool {
	if isJSONFeed(data) {
		return parseFeed(path, data, yield)
	}
	trimmed := bytes.TrimSpace(data)
	if !bytes.HasPrefix(trimmed, []byte("[")) {
		return parseJSONLines(path, data, yield)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(trimmed, &items); err != nil {
		return yield(Article{}, &Problem{Path: path, Err: fmt.Errorf("not a JSON array of articles: %w", err)})
	}
	for i, raw := range items {
		// Arrays have no lines; the item's position stands in for one.
		if !yieldRecord(path, i+1, raw, yield) {
			return false
		}
	}
	return true
}

func yieldRecord(path string, line int, raw []byte, yield func(Article, error) bool) bool {
	a, warnings, err := decodeRecord(raw)
	for _, w := range warnings {
		w.Path, w.Line = path, line
		if !yield(Article{}, w) {
			return false
		}
	}
	if err != nil {
		if p, ok := err.(*Problem); ok {
			// decodeRecord already named the field; only the place is missing.
			p.Path, p.Line = path, line
			return yield(Article{}, p)
		}
		p := &Problem{Path: path, Line: line, Err: err}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			p.Field = te.Field
			p.Err = fmt.Errorf("want a %s, got a JSON %s", te.Type, te.Value)
		}
		return yield(Article{}, p)
	}
	a.Origin = fmt.Sprintf("%s:%d", path, line)
	return yield(a, nil)
}

// decodeRecord decodes one article object. Problems that only cost a field
// (an unreadable date, replaced bytes) come back as warnings with the article.
func decodeRecord(raw []byte) (Article, []*Problem, error) {
	var r record
	if err := json.Unmarshal(raw, &r); err != nil {
		return Article{}, nil, err
	}
	var warnings []*Problem
	if !utf8.Valid(raw) {
		// encoding/json has already replaced the bytes, silently.
		warnings = append(warnings, &Problem{Err: ErrInvalidUTF8})
	}
	clean := func(field, s string) string {
		v, ok := validText(s)
		if !ok {
			warnings = append(warnings, &Problem{Field: field, Err: ErrInvalidUTF8})
		}
		return strings.TrimSpace(v)
	}
	a := Article{
		ID:     clean("id", r.ID),
		Title:  clean("title", r.Title),
		Text:   clean("text", r.Text),
		URL:    clean("url", r.URL),
		Source: clean("source", r.Source),
		Author: clean("author", r.Author),
		Lang:   clean("lang", r.Lang),
		Gold:   Gold{Event: r.Event, Topic: r.Topic, Storyline: r.Storyline, Collection: r.Collection},
	}
	if a.ID == "" {
		return Article{}, warnings, &Problem{Field: "id", Err: errors.New("missing article id")}
	}
	if a.Text == "" && a.Title == "" {
		return Article{}, warnings, &Problem{Field: "text", Err: errors.New("empty article")}
	}
	if r.Date != "" {
		d, err := ParseDate(r.Date)
		if err != nil {
			warnings = append(warnings, &Problem{Field: "date", Err: fmt.Errorf("%w%s", err, undatedSuffix)})
		} else if d, w := datedOrWarn(d, time.Now()); w != nil {
			warnings = append(warnings, w)
		} else {
			a.Date = d
		}
	}
	return a, warnings, nil
}

// ParseDate reads a publication date in ISO form (a day, or a full RFC 3339
// timestamp) and returns its UTC day.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable date %q (want YYYY-MM-DD)", s)
}
