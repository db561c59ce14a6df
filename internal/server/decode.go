package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"storyline/internal/article"
)

// A Problem is what is wrong with one submitted article. Index is its place
// in the submitted array (0 for a single object); Field is empty when the
// problem concerns the whole article.
type Problem struct {
	Index int    `json:"index"`
	Field string `json:"field,omitempty"`
	Error string `json:"error"`
}

// articleRequest is the JSON form of a submitted article: the fields of the
// JSON Lines input files (article/json.go), less the evaluation labels.
type articleRequest struct {
	ID, Title, Text, Date, URL, Source, Lang string
}

// fields lists the request's JSON fields with where each goes. Fields are
// decoded one by one, rather than with one json.Unmarshal into a tagged
// struct, so that every wrongly typed field is reported, not only the first.
func (r *articleRequest) fields() []struct {
	name string
	dst  *string
} {
	return []struct {
		name string
		dst  *string
	}{
		{"id", &r.ID}, {"title", &r.Title}, {"text", &r.Text}, {"date", &r.Date},
		{"url", &r.URL}, {"source", &r.Source}, {"lang", &r.Lang},
	}
}

// Publication dates outside [minYear, now+maxFutureSkew] are refused, as
// the file readers drop them (article.checkDate): they are typos or
// placeholders that would misplace the article on every timeline.
const (
	minYear       = 1900
	maxFutureSkew = 48 * time.Hour
)

// origin is the Origin of articles submitted over HTTP.
const origin = "POST /api/articles"

// errTooMany is returned when a request holds more articles than allowed.
var errTooMany = errors.New("too many articles")

// decodeArticles reads a request body holding one article object or an
// array of them. An error means the body as a whole is unusable (malformed
// JSON, not an object or array, too many articles); problems are about
// single articles. Either way nothing may be stored.
func decodeArticles(body []byte, maxArticles int, now time.Time) ([]article.Article, []Problem, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil, errors.New("empty body: want an article object or an array of them")
	}
	var whole json.RawMessage
	if err := json.Unmarshal(body, &whole); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := position(body, se.Offset)
			return nil, nil, fmt.Errorf("malformed JSON at line %d, column %d (byte %d): %v", line, col, se.Offset, se)
		}
		return nil, nil, fmt.Errorf("malformed JSON: %v", err)
	}
	whole = bytes.TrimSpace(whole)
	var items []json.RawMessage
	switch whole[0] {
	case '{':
		items = []json.RawMessage{whole}
	case '[':
		if err := json.Unmarshal(whole, &items); err != nil {
			return nil, nil, fmt.Errorf("malformed JSON array: %v", err)
		}
		if len(items) == 0 {
			return nil, nil, errors.New("empty array: no articles to add")
		}
	default:
		return nil, nil, fmt.Errorf("want an article object or an array of them, got a JSON %s", jsonKind(whole))
	}
	if len(items) > maxArticles {
		return nil, nil, fmt.Errorf("%w: %d in one request, at most %d", errTooMany, len(items), maxArticles)
	}
	arts := make([]article.Article, len(items))
	var problems []Problem
	for i, raw := range items {
		a, errs := decodeArticle(raw, now)
		for _, p := range errs {
			p.Index = i
			problems = append(problems, p)
		}
		arts[i] = a
	}
	return arts, problems, nil
}

// decodeArticle reads and checks one article object. It is stricter than
// the file readers, which keep an article with a bad date undated and
// replace invalid UTF-8: a client can fix and resend its request, and
// should learn that something was wrong rather than find it silently mended.
func decodeArticle(raw json.RawMessage, now time.Time) (article.Article, []Problem) {
	if raw[0] != '{' {
		return article.Article{}, []Problem{{Error: "want an article object, got a JSON " + jsonKind(raw)}}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return article.Article{}, []Problem{{Error: err.Error()}}
	}
	var req articleRequest
	var problems []Problem
	fail := func(field, msg string) { problems = append(problems, Problem{Field: field, Error: msg}) }
	for _, f := range req.fields() {
		v, ok := fields[f.name]
		if !ok || string(v) == "null" {
			continue // absent, as in the input files
		}
		if err := json.Unmarshal(v, f.dst); err != nil {
			fail(f.name, "want a string, got a JSON "+jsonKind(v))
			continue
		}
		switch {
		case !utf8.Valid(v):
			fail(f.name, "invalid UTF-8")
		case strings.ContainsRune(*f.dst, 0):
			fail(f.name, "holds a NUL character")
		}
		*f.dst = strings.TrimSpace(*f.dst)
	}
	if req.ID == "" && !hasField(problems, "id") {
		fail("id", "missing article id")
	}
	if req.Text == "" && !hasField(problems, "text") {
		fail("text", "missing article text")
	}
	a := article.Article{
		ID: req.ID, Title: req.Title, Text: req.Text, URL: req.URL, Source: req.Source, Lang: req.Lang, Origin: origin,
	}
	if req.Date != "" {
		d, err := article.ParseDate(req.Date)
		switch {
		case err != nil:
			fail("date", err.Error())
		case d.Year() < minYear:
			fail("date", fmt.Sprintf("date %s is before %d", d.Format(time.DateOnly), minYear))
		case d.After(now.Add(maxFutureSkew)):
			fail("date", fmt.Sprintf("date %s is in the future", d.Format(time.DateOnly)))
		default:
			a.Date = d
		}
	}
	return a, problems
}

func hasField(problems []Problem, field string) bool {
	for _, p := range problems {
		if p.Field == field {
			return true
		}
	}
	return false
}

// jsonKind names the kind of a JSON value from its first byte.
func jsonKind(v []byte) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// position turns a byte offset into a 1-based line and column, counting
// columns in bytes, as editors that jump to a byte offset expect.
func position(body []byte, offset int64) (line, col int) {
	before := body[:min(max(offset, 0), int64(len(body)))]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}
