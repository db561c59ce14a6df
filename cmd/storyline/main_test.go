package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"storyline/internal/report"
)

// execute runs the storyline command line with args and returns its output.
func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := rootCommand()
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func TestEvalCommand(t *testing.T) {
	out, err := execute(t, "eval", "testdata/gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "pairwise") || !strings.Contains(out, "gold.jsonl") {
		t.Errorf("eval table lacks header or row:\n%s", out)
	}

	out, err = execute(t, "eval", "--json", "--orders", "3", "--set", "linear=true", "--sweep", "threshold=0.2,0.9", "testdata/gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var rows []evalRow
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var r evalRow
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("decode %q: %v", out, err)
		}
		rows = append(rows, r)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want one per swept value:\n%s", len(rows), out)
	}
	low, high := rows[0], rows[1]
	if low.Setting != "threshold=0.2" || high.Setting != "threshold=0.9" || low.Orders != 3 {
		t.Errorf("settings %q %q, orders %d", low.Setting, high.Setting, low.Orders)
	}
	if low.Articles != 4 || low.GoldClusters != 2 {
		t.Errorf("articles %d, gold clusters %d; want 4 and 2", low.Articles, low.GoldClusters)
	}
	// Two clearly separate stories: the usual threshold recovers them; an
	// absurd one leaves every article alone.
	if low.Pairwise.F1 != 1 {
		t.Errorf("threshold 0.2: pairwise F1 %.3f, want 1", low.Pairwise.F1)
	}
	if high.PredClusters != 4 {
		t.Errorf("threshold 0.9: %d events, want 4 singletons", high.PredClusters)
	}
}

func TestEvalCommandErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown sweep key", []string{"eval", "--sweep", "nope=1,2", "testdata/gold.jsonl"}, "nope"},
		{"malformed sweep", []string{"eval", "--sweep", "threshold", "testdata/gold.jsonl"}, "key=v1,v2"},
		{"bad value", []string{"eval", "--sweep", "threshold=abc", "testdata/gold.jsonl"}, "threshold"},
		{"bad set", []string{"eval", "--set", "threshold", "testdata/gold.jsonl"}, "key=value"},
		{"no articles", []string{"eval", "testdata/missing.jsonl"}, "no articles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := execute(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestEvalSummaries(t *testing.T) {
	out, err := execute(t, "eval", "--json", "--summaries", "testdata/refs.jsonl", "testdata/gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var row summaryRow
	if err := json.Unmarshal([]byte(out), &row); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if row.Events != 2 {
		t.Errorf("scored %d events, want 2", row.Events)
	}
	// The references restate the articles' facts: summaries drawn from the
	// articles must overlap them well beyond chance.
	if row.Predicted.Rouge1 < 0.3 || row.Gold.Rouge1 < 0.3 {
		t.Errorf("ROUGE-1 predicted %.3f, gold %.3f; want >= 0.3", row.Predicted.Rouge1, row.Gold.Rouge1)
	}

	if _, err := execute(t, "eval", "--summaries", "testdata/gold.jsonl", "testdata/gold.jsonl"); err == nil || !strings.Contains(err.Error(), "gold.jsonl:1") {
		t.Errorf("articles given as references: error %v, want one naming gold.jsonl:1", err)
	}
}

func TestEvalTimelines(t *testing.T) {
	out, err := execute(t, "eval", "--json", "--timelines", "testdata/story.jsonl", "testdata/timelines.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	var row timelineRow
	if err := dec.Decode(&row); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if row.Articles != 4 || len(row.Predicted) != 2 {
		t.Fatalf("%d articles, predicted %+v; want 4 articles and 2 dates", row.Articles, row.Predicted)
	}
	if row.Scores.Date.F1 != 1 || row.Scores.AlignM1R1.F1 < 0.2 {
		t.Errorf("date F1 %.3f, align ROUGE-1 %.3f", row.Scores.Date.F1, row.Scores.AlignM1R1.F1)
	}
	for _, d := range row.Predicted {
		if d.Event == "" || d.Text == "" {
			t.Errorf("predicted day without event or text: %+v", d)
		}
	}
	var mean struct{ Mean timelineMeans }
	if err := dec.Decode(&mean); err != nil || mean.Mean.Timelines != 1 || mean.Mean.DateF1 != 1 {
		t.Errorf("mean %+v, %v", mean, err)
	}
	if _, err := execute(t, "eval", "--timelines", "testdata/story.jsonl"); err == nil {
		t.Error("--timelines with one file: no error")
	}
}

func TestStoreCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	out, err := execute(t, "ingest", "--db", db, "testdata/gold.jsonl")
	if err != nil || !strings.Contains(out, "4 articles added") {
		t.Fatalf("first ingest: %v\n%s", err, out)
	}
	out, err = execute(t, "ingest", "--db", db, "testdata/gold.jsonl")
	if err != nil || !strings.Contains(out, "0 articles added") || !strings.Contains(out, "4 already stored") {
		t.Fatalf("second ingest is not idempotent: %v\n%s", err, out)
	}
	out, err = execute(t, "events", "--db", db, "--json", "--entity", "Venice")
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Events []report.Event }
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if len(got.Events) != 1 || len(got.Events[0].Articles) != 2 || got.Events[0].Date == nil || *got.Events[0].Date != "2019-11-12" {
		t.Fatalf("events naming Venice: %+v", got.Events)
	}
	ev := got.Events[0]
	out, err = execute(t, "show", "--db", db, ev.ID)
	if err != nil || !strings.Contains(out, ev.Title) || !strings.Contains(out, "f1") {
		t.Errorf("show %s: %v\n%s", ev.ID, err, out)
	}
	out, err = execute(t, "timeline", "--db", db, ev.Storyline)
	if err != nil || !strings.Contains(out, "2019-11-12") {
		t.Errorf("timeline %s: %v\n%s", ev.Storyline, err, out)
	}
	out, err = execute(t, "storylines", "--db", db)
	if err != nil || strings.Count(out, "\n") != 2 {
		t.Errorf("storylines: %v\n%s", err, out)
	}
	if _, err := execute(t, "show", "--db", db, "e999"); err == nil || !strings.Contains(err.Error(), "e999") {
		t.Errorf("show e999: %v", err)
	}
	if _, err := execute(t, "events", "--db", filepath.Join(t.TempDir(), "none.db")); err == nil {
		t.Error("events on a missing store: no error")
	}
}
