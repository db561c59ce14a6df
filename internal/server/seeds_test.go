package server

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"storyline/internal/article"
	"storyline/internal/pipeline"
	"storyline/internal/report"
	"storyline/internal/store"
)

// TestSeedsThroughTheAPI ingests the seed articles through POST
// /api/articles and checks that GET /api/storylines/{id} tells what
// `storyline run --json` tells: the same storylines, events, dates and
// articles.
func TestSeedsThroughTheAPI(t *testing.T) {
	const dir = "../../../shared/seeds"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no ../shared/seeds beside the repo")
	}
	var r article.Reader
	arts, problems := r.ReadAll(dir)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	p := pipeline.New(pipeline.DefaultConfig())
	for _, d := range pipeline.AnalyzeAll(arts) {
		p.Add(d)
	}
	want := p.Result(pipeline.Options{})

	srv, st := newServer(t, Options{})
	in := make([]map[string]string, len(arts))
	for i, a := range arts {
		in[i] = map[string]string{"id": a.ID, "title": a.Title, "text": a.Text, "url": a.URL, "source": a.Source}
		if !a.Date.IsZero() {
			in[i]["date"] = a.Date.Format("2006-01-02")
		}
	}
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if status, body := post(t, srv.URL+"/api/articles", "application/json", body); status != 200 {
		t.Fatalf("POST: %d %s", status, body)
	}
	list, err := st.Storylines(context.Background(), store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(want.Storylines) {
		t.Fatalf("API has %d storylines, run %d", len(list), len(want.Storylines))
	}
	shape := func(s report.Storyline) []string {
		var out []string
		for _, e := range s.Events {
			line := e.ID + " " + e.Title + " "
			if e.Date != nil {
				line += *e.Date
			}
			for _, a := range e.Articles {
				line += " " + a.ID
			}
			out = append(out, line)
		}
		slices.Sort(out)
		return out
	}
	var got []string
	for _, sum := range list {
		var s report.Storyline
		getJSON(t, srv.URL+"/api/storylines/"+sum.ID, 200, &s)
		if len(s.Timeline) == 0 || s.Title == "" {
			t.Errorf("storyline %s: title %q, %d timeline entries", s.ID, s.Title, len(s.Timeline))
		}
		got = append(got, shape(s)...)
	}
	var exp []string
	for _, s := range want.Storylines {
		exp = append(exp, shape(s)...)
	}
	slices.Sort(got)
	slices.Sort(exp)
	if !slices.Equal(got, exp) {
		t.Errorf("API events differ from run's:\n api %q\n run %q", got, exp)
	}
}
