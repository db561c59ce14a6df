package article

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// fuzzParse checks the properties every parseFunc keeps on any input: it
// does not panic, every article has an ID and valid UTF-8, every error is a
// *Problem that names the file, and it stops as soon as yield says so.
func fuzzParse(t *testing.T, parse parseFunc, path string, data []byte) {
	parse(path, data, func(a Article, err error) bool {
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("error %v (%T) is not a *Problem", err, err)
			}
			if p.Path != path {
				t.Fatalf("problem %q has path %q, want %q", p, p.Path, path)
			}
			if p.Err == nil {
				t.Fatalf("problem without an error: %#v", p)
			}
			return true
		}
		if a.ID == "" {
			t.Fatalf("article without ID: %+v", a)
		}
		for name, s := range map[string]string{"ID": a.ID, "Title": a.Title, "Text": a.Text, "Source": a.Source, "URL": a.URL} {
			if !utf8.ValidString(s) {
				t.Fatalf("article %s is not valid UTF-8: %q", name, s)
			}
		}
		if a.HasDate() && checkDate(a.Date, a.Date) != nil {
			t.Fatalf("article kept an implausible date %v", a.Date)
		}
		return true
	})
	calls := 0
	parse(path, data, func(Article, error) bool {
		calls++
		if calls > 1 {
			t.Fatal("parser went on after yield returned false")
		}
		return false
	})
}

func FuzzParseText(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, parseText, "fuzz.txt", data) })
}

func FuzzParseJSONLines(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, parseJSONLines, "fuzz.jsonl", data) })
}

func FuzzParseHTML(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, parseHTML, "fuzz.html", data) })
}

func FuzzParseFeed(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, parseFeed, "fuzz.xml", data) })
}
