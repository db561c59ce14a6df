package article

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestCheckBinary(t *testing.T) {
	tests := []struct {
		name  string
		in    []byte
		wantE string
	}{
		{"empty", nil, ""},
		{"text", []byte("Plain text\twith tabs\r\nand lines\f"), ""},
		{"NUL", []byte("text\x00more"), "NUL"},
		{"few controls", []byte("abcdefghij\x01\x02"), ""},
		{"mostly controls", []byte("\x01\x02\x03\x04\x05\x06\x07\x08abcd"), "control bytes"},
		{"just over 30%", []byte("\x01\x02\x03\x04abcdefg"), "control bytes"},
		{"exactly 30%", []byte("\x01\x02\x03abcdefg"), ""},
		{"DEL counts", []byte("\x7f\x7f\x7f\x7fabc"), "control bytes"},
		{"UTF-8 is text", []byte("Präsident Außenminister 東京"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkBinary(tt.in)
			switch {
			case tt.wantE == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.wantE != "" && (err == nil || !strings.Contains(err.Error(), tt.wantE)):
				t.Errorf("error %v, want one containing %q", err, tt.wantE)
			}
		})
	}
}

func TestCheckDate(t *testing.T) {
	now := time.Date(2024, 5, 10, 12, 0, 0, 0, time.UTC)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name string
		d    time.Time
		want string
	}{
		{"zero", time.Time{}, ""},
		{"today", day(2024, 5, 10), ""},
		{"tomorrow (time zones)", day(2024, 5, 11), ""},
		{"two days ahead", day(2024, 5, 12), ""},
		{"three days ahead", day(2024, 5, 13), "in the future"},
		{"far future", day(2999, 1, 1), "in the future"},
		{"1900", day(1900, 1, 1), ""},
		{"1899", day(1899, 12, 31), "before 1900"},
		{"year one", day(1, 1, 1).Add(time.Hour), "before 1900"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkDate(tt.d, now)
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("checkDate(%v) = %v, want %q", tt.d, err, tt.want)
			}
			got, p := datedOrWarn(tt.d, now)
			if (p != nil) != (err != nil) || (p != nil && (p.Field != "date" || !got.IsZero())) {
				t.Errorf("datedOrWarn(%v) = %v, %v", tt.d, got, p)
			}
		})
	}
}

func TestJSONHostile(t *testing.T) {
	tests := []struct {
		name     string
		parse    parseFunc
		input    string
		ids      []string
		problems []wantProblem
	}{
		{
			name:     "text is a number",
			parse:    parseJSONLines,
			input:    `{"id": "a", "text": 42}`,
			problems: []wantProblem{{1, "text", "want a string, got a JSON number"}},
		},
		{
			name:     "id is an object",
			parse:    parseJSONLines,
			input:    `{"id": {"x": 1}, "text": "t"}` + "\n" + `{"id": "b", "text": "t"}`,
			ids:      []string{"b"},
			problems: []wantProblem{{1, "id", "want a string, got a JSON object"}},
		},
		{
			name:     "date is a bool",
			parse:    parseJSON,
			input:    `[{"id": "a", "text": "t", "date": true}]`,
			problems: []wantProblem{{1, "date", "want a string, got a JSON bool"}},
		},
		{
			name:     "array of strings",
			parse:    parseJSON,
			input:    `["a", {"id": "b", "text": "t"}]`,
			ids:      []string{"b"},
			problems: []wantProblem{{1, "", "got a JSON string"}},
		},
		{
			name:     "date in the future",
			parse:    parseJSONLines,
			input:    `{"id": "a", "text": "t", "date": "2999-01-01"}`,
			ids:      []string{"a"},
			problems: []wantProblem{{1, "date", "in the future; article kept undated"}},
		},
		{
			name:     "date before 1900",
			parse:    parseJSONLines,
			input:    `{"id": "a", "text": "t", "date": "1066-10-14"}`,
			ids:      []string{"a"},
			problems: []wantProblem{{1, "date", "before 1900"}},
		},
		{
			name:     "unreadable date",
			parse:    parseJSONLines,
			input:    `{"id": "a", "text": "t", "date": "soon"}`,
			ids:      []string{"a"},
			problems: []wantProblem{{1, "date", "unreadable date"}},
		},
		{
			name:     "invalid UTF-8",
			parse:    parseJSONLines,
			input:    "{\"id\": \"a\", \"text\": \"caf\xe9\"}",
			ids:      []string{"a"},
			problems: []wantProblem{{1, "", "invalid UTF-8 replaced"}},
		},
		{
			name:     "empty article",
			parse:    parseJSONLines,
			input:    `{"id": "a", "text": "  "}`,
			problems: []wantProblem{{1, "text", "empty article"}},
		},
		{
			name:  "JSON Feed in a .json file",
			parse: parseJSON,
			input: `{"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": [{"id": "x", "content_text": "body"}]}`,
			ids:   []string{"x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts, errs := collect(tt.parse, "in.json", []byte(tt.input))
			var ids []string
			for _, a := range arts {
				ids = append(ids, a.ID)
				if a.Text != "" && strings.ContainsRune(a.Text, 0xFFFD) && tt.name != "invalid UTF-8" {
					t.Errorf("unexpected replacement in %q", a.Text)
				}
			}
			if !reflect.DeepEqual(ids, tt.ids) {
				t.Errorf("ids = %q, want %q", ids, tt.ids)
			}
			if tt.problems == nil {
				tt.problems = []wantProblem{}
			}
			checkProblems(t, "in.json", errs, tt.problems)
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want parseFunc
	}{
		{"Just some text.", parseText},
		{`{"id": "a"}`, parseJSONLines},
		{`[{"id": "a"}]`, parseJSON},
		{`{"version": "https://jsonfeed.org/version/1.1", "items": []}`, parseFeed},
		{"\ufeff  <!DOCTYPE html><html></html>", parseHTML},
		{"<HTML><body>x</body></HTML>", parseHTML},
		{`<rss version="2.0"></rss>`, parseFeed},
		{`<feed xmlns="http://www.w3.org/2005/Atom"></feed>`, parseFeed},
		{"<?xml version=\"1.0\"?>\n<!-- c -->\n<rss version=\"2.0\">", parseFeed},
		{`<?xml version="1.0"?><rdf:RDF xmlns:rdf="x">`, parseFeed},
		{`<?xml version="1.0"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml">`, parseHTML},
		{`<?xml version="1.0"?><catalog/>`, parseText},
		{"<p>a fragment</p>", parseText},
	}
	name := func(f parseFunc) string { return runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name() }
	for _, tt := range tests {
		if got := sniff([]byte(tt.in)); name(got) != name(tt.want) {
			t.Errorf("sniff(%q) = %s, want %s", tt.in, name(got), name(tt.want))
		}
	}
}

func TestReaderMixedDirectory(t *testing.T) {
	var r Reader
	arts, errs := r.ReadAll("testdata/mixed")
	type got struct{ id, origin string }
	var gots []got
	for _, a := range arts {
		gots = append(gots, got{a.ID, strings.TrimPrefix(a.Origin, "testdata/mixed/")})
		if a.Text == "" {
			t.Errorf("%s has no text", a.ID)
		}
	}
	want := []got{
		{"01-wire", "01-wire.txt"},
		{"batch-1", "02-batch.jsonl:1"},
		{"batch-2", "02-batch.jsonl:2"},
		{"03-page", "03-page.html"},
		{"valleypost.example-news-defences", "04-feed.xml:3"},
		{"valleypost.example-news-school", "04-feed.xml:4"},
		{"briefing-2021-03-14", "05-briefing.json"},
		{"briefing-2021-03-13", "05-briefing.json"},
		{"06-saved-page", "06-saved-page"},
		{"export-1", "07-feed-noext:4"},
	}
	if !reflect.DeepEqual(gots, want) {
		t.Errorf("articles:\n got %v\nwant %v", gots, want)
	}
	// The only problem is the JSON Feed's pre-1900 date.
	checkProblems(t, "testdata/mixed/05-briefing.json", errs, []wantProblem{{0, "date", "before 1900"}})
	for _, a := range arts {
		if a.ID == "03-page" && (a.Source != "Valley Post" || a.Date.Format(time.DateOnly) != "2021-03-16" ||
			a.URL != "https://valleypost.example/news/pass-reopens" || a.Title != "Mountain pass reopens after floods") {
			t.Errorf("page read as %+v", a)
		}
	}
}

func TestReaderRejectsControlBinary(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "blob.txt")
	blob := make([]byte, 200)
	for i := range blob {
		blob[i] = byte(1 + i%31) // control bytes, no NUL
	}
	copy(blob, "header ")
	if err := os.WriteFile(path, blob, 0o644); err != nil {
		t.Fatal(err)
	}
	var r Reader
	arts, errs := r.ReadAll(path)
	if len(arts) != 0 || len(errs) != 1 {
		t.Fatalf("got %d articles, %v", len(arts), errs)
	}
	var p *Problem
	if !errors.As(errs[0], &p) || p.Path != path || !strings.Contains(p.Err.Error(), "binary") {
		t.Errorf("problem %v", errs[0])
	}
}
