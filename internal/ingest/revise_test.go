package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"storyline/internal/article"
	"storyline/internal/pipeline"
	"storyline/internal/store"
	"storyline/internal/store/storetest"
)

// TestStoreFollowsRevisions ingests a real stream in small batches with
// revisions every few articles, so that articles stored in one batch are
// moved and their events merged in later ones, and checks on both backends
// that the store ends as the pipeline does when it places the stream in
// one run: every event with exactly its articles, merged events gone and
// leading to where their articles are, every event's storyline stored.
func TestStoreFollowsRevisions(t *testing.T) {
	const path = "../../../shared/datasets/ecbplus-dev.jsonl"
	if _, err := os.Stat(path); err != nil {
		t.Skip("no ../shared/datasets beside the repo")
	}
	var r article.Reader
	arts, err := r.ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	arts = arts[:min(len(arts), 400)]
	cfg := pipeline.DefaultConfig()
	cfg.Cluster.ReviseWindow, cfg.Cluster.ReviseEvery, cfg.Cluster.ReviseMargin = 100, 7, 0

	// What one run makes, and which events it merged away.
	p := pipeline.New(cfg)
	merged := map[string]bool{}
	for _, d := range pipeline.AnalyzeAll(arts) {
		p.Add(d)
		for _, m := range p.Changes().Merged {
			merged[m.From] = true
		}
	}
	if len(merged) == 0 {
		t.Fatal("no event was merged: the stream should revise")
	}
	want := map[string][]string{} // event -> its articles
	for _, s := range p.Result(pipeline.Options{}).Storylines {
		for _, e := range s.Events {
			for _, a := range e.Articles {
				want[e.ID] = append(want[e.ID], a.ID)
			}
		}
	}

	for _, backend := range []struct{ name, dsn string }{
		{"sqlite", filepath.Join(t.TempDir(), "s.db")},
		{"postgres", ""},
	} {
		t.Run(backend.name, func(t *testing.T) {
			dsn := backend.dsn
			if dsn == "" {
				dsn = storetest.PostgresDSN(t)
			}
			ctx := context.Background()
			st, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for from := 0; from < len(arts); from += 25 {
				// A new Ingester now and then, as separate runs would
				// open: the rebuilt state must revise as the first did.
				in, err := Open(ctx, st, cfg)
				if err != nil {
					t.Fatal(err)
				}
				for at := from; at < min(from+25, len(arts)); at += 5 {
					if _, err := in.Add(ctx, arts[at:min(at+5, len(arts))]); err != nil {
						t.Fatal(err)
					}
				}
			}
			stats, err := st.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if stats.Events != len(want) {
				t.Errorf("the store holds %d events, one run makes %d", stats.Events, len(want))
			}
			for id, members := range want {
				e, err := st.Event(ctx, id)
				if err != nil {
					t.Errorf("event %s: %v", id, err)
					continue
				}
				var got []string
				for _, a := range e.Articles {
					got = append(got, a.ID)
				}
				if slices.Sort(got); !slices.Equal(got, slices.Sorted(slices.Values(members))) {
					t.Errorf("event %s holds %v, one run puts %v there", id, got, members)
				}
				if _, err := st.Storyline(ctx, e.Storyline); err != nil {
					t.Errorf("event %s: storyline %s: %v", id, e.Storyline, err)
				}
			}
			for id := range merged {
				if _, err := st.Event(ctx, id); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("merged event %s: got %v, want not found", id, err)
				}
				into, err := st.Redirect(ctx, id)
				if err != nil {
					t.Errorf("merged event %s: %v", id, err)
				} else if want[into] == nil {
					t.Errorf("merged event %s leads to %s, which one run does not have", id, into)
				}
			}
		})
	}
}
