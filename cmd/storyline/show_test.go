package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storyline/internal/report"
)

// TestShowEvent checks that show prints an event as itself, not as a
// storyline of one event, with what the event is made of.
func TestShowEvent(t *testing.T) {
	const seeds = "../../../shared/seeds"
	if _, err := os.Stat(seeds); err != nil {
		t.Skip("no ../shared/seeds beside the repo")
	}
	tests := []struct {
		name  string
		input func(t *testing.T) string
	}{
		// 5 articles without outlets or URLs: 3 events in 1 storyline.
		{"seeds", func(*testing.T) string { return seeds }},
		// Articles with outlets and URLs, which the seeds lack.
		{"outlets", withURLs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "s.db")
			if out, err := execute(t, "ingest", "--quiet", "--db", db, tt.input(t)); err != nil {
				t.Fatalf("ingest: %v\n%s", err, out)
			}
			// The event of most articles shows the most: outlets, several
			// summary sentences, explanations of joining.
			out, err := execute(t, "events", "--db", db, "--json")
			if err != nil {
				t.Fatal(err)
			}
			var list struct{ Events []report.Event }
			if err := json.Unmarshal([]byte(out), &list); err != nil || len(list.Events) == 0 {
				t.Fatalf("events: %v\n%s", err, out)
			}
			e := list.Events[0]
			for _, x := range list.Events {
				if len(x.Articles) > len(e.Articles) {
					e = x
				}
			}

			out, err = execute(t, "show", "--db", db, "--explain", e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := "Event " + e.ID + ": " + e.Title + "\n"; !strings.HasPrefix(out, want) {
				t.Errorf("output does not start with %q:\n%s", want, out)
			}
			// The pseudo-storyline an event used to be wrapped in.
			for _, framing := range []string{"Storyline " + e.Storyline + ":", "of storyline", " events, "} {
				if strings.Contains(out, framing) {
					t.Errorf("output has storyline framing %q:\n%s", framing, out)
				}
			}
			wants := []string{"  Storyline: " + e.Storyline + "\n", "joined: best " + e.ID}
			if len(e.Sources) > 0 {
				wants = append(wants, "  Sources: "+strings.Join(e.Sources, ", ")+"\n")
			}
			for _, sen := range e.Summary {
				wants = append(wants, sen.Text)
			}
			for _, a := range e.Articles {
				wants = append(wants, "- "+a.ID+"  ")
				if a.Source != "" {
					wants = append(wants, a.Source+", "+a.ID+"]", "  "+a.Source+"  "+a.Title+"\n")
				}
				if a.URL != "" {
					wants = append(wants, "      "+a.URL+"\n")
				}
			}
			for _, want := range wants {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if tt.name == "outlets" && len(e.Sources) < 2 {
				t.Errorf("event %s has sources %q, want the outlets of its articles", e.ID, e.Sources)
			}

			out, err = execute(t, "show", "--db", db, "--json", e.ID)
			var got report.Event
			if err != nil || json.Unmarshal([]byte(out), &got) != nil || got.ID != e.ID || len(got.Articles) != len(e.Articles) {
				t.Errorf("show --json %s: %v\n%s", e.ID, err, out)
			}
			out, err = execute(t, "show", "--db", db, e.Storyline)
			if err != nil || !strings.HasPrefix(out, "Storyline "+e.Storyline+": ") || !strings.Contains(out, "  Event "+e.ID+"  ") {
				t.Errorf("show %s: %v\n%s", e.Storyline, err, out)
			}
		})
	}
}

// withURLs writes testdata/gold.jsonl, whose articles name their outlets,
// with a URL added to each article, and returns the file's path.
func withURLs(t *testing.T) string {
	in, err := os.Open("testdata/gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	path := filepath.Join(t.TempDir(), "urls.jsonl")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	enc := json.NewEncoder(out)
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		rec["url"] = "https://example.com/" + rec["id"].(string)
		if err := enc.Encode(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return path
}
