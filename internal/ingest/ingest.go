// Package ingest adds articles to a store: it places each one through a
// pipeline whose state was rebuilt from the store, and writes what changed
// in one transaction per batch. The CLI's ingest command and the server's
// POST /api/articles both go through it.
package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/article"
	"storyline/internal/pipeline"
	"storyline/internal/report"
	"storyline/internal/store"
)

// A Landing says where one submitted article ended up.
type Landing struct {
	Article     string `json:"article"`
	Event       string `json:"event,omitempty"`
	Storyline   string `json:"storyline,omitempty"`
	NewEvent    bool   `json:"new_event"`
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Repeat is true when the store already held an article with this id:
	// ingesting is idempotent, and the repeat changes nothing.
	Repeat bool `json:"repeat,omitempty"`
}

// An Ingester is the single writer of a store. It is safe for concurrent
// use; batches are placed one after another, in the order they arrive.
type Ingester struct {
	mu      sync.Mutex
	st      store.Store
	cfg     pipeline.Config
	p       *pipeline.Pipeline
	timings Timings
}

// Timings are the time an Ingester spent in each stage, summed over all
// batches; Placement breaks down the placing.
type Timings struct {
	Analyze   time.Duration    `json:"analyze"`
	Placement pipeline.Timings `json:"placement"`
	Report    time.Duration    `json:"report"`
	Store     time.Duration    `json:"store"`
}

// Timings returns the time spent so far in each stage.
func (in *Ingester) Timings() Timings {
	in.mu.Lock()
	defer in.mu.Unlock()
	t := in.timings
	t.Placement = in.p.Timings()
	return t
}

// replayPage is how many stored articles are read and analysed at a time
// while rebuilding the pipeline.
const replayPage = 2000

// Open rebuilds the pipeline from the store: every stored article is placed
// again, in the order it was stored. Placement is deterministic, so the
// rebuilt state is the one that produced the stored events, and articles
// added now land as if everything had been ingested in one run.
func Open(ctx context.Context, st store.Store, cfg pipeline.Config) (*Ingester, error) {
	cfg.Lean = true // the store keeps every report in full
	in := &Ingester{st: st, cfg: cfg}
	if err := in.replay(ctx); err != nil {
		return nil, err
	}
	return in, nil
}

func (in *Ingester) replay(ctx context.Context) error {
	start := time.Now()
	p := pipeline.New(in.cfg)
	var after int64
	var n int
	for {
		page, err := in.st.Articles(ctx, after, replayPage)
		if err != nil {
			return fmt.Errorf("ingest: replay stored articles: %w", err)
		}
		if len(page) == 0 {
			break
		}
		arts := make([]article.Article, len(page))
		for i, a := range page {
			arts[i] = Original(a)
		}
		for _, d := range pipeline.AnalyzeAll(arts) {
			p.Add(d)
		}
		after = page[len(page)-1].Seq
		n += len(page)
	}
	p.DiscardChanges()
	in.p = p
	if n > 0 {
		slog.Info("rebuilt placement state from the store", "articles", n, "seconds", time.Since(start).Seconds())
	}
	return nil
}

// Original turns a stored article back into the article that was ingested.
func Original(a store.Article) article.Article {
	art := article.Article{
		ID: a.ID, Title: a.Raw.Title, Text: a.Text, URL: a.URL, Source: a.Source, Author: a.Author, Lang: a.Lang, Origin: a.Origin,
	}
	if a.Raw.Date != "" {
		art.Date, _ = time.Parse(time.DateOnly, a.Raw.Date)
	}
	return art
}

// Add places a batch of articles and stores the result atomically. If the
// store refuses the batch, nothing of it is kept: the pipeline is rebuilt
// from the store as it was.
func (in *Ingester) Add(ctx context.Context, arts []article.Article) ([]Landing, error) {
	start := time.Now()
	docs := pipeline.AnalyzeAll(arts)
	elapsed := time.Since(start)
	in.mu.Lock()
	in.timings.Analyze += elapsed
	in.mu.Unlock()
	return in.AddAnalyzed(ctx, arts, docs)
}

// AddAnalyzed is Add for articles already analysed (docs[i] is the analysis
// of arts[i]), so that callers can analyse the next batch while this one is
// placed: analysis needs no shared state, placement is one ordered step.
func (in *Ingester) AddAnalyzed(ctx context.Context, arts []article.Article, docs []analyze.Document) ([]Landing, error) {
	return in.add(ctx, arts, docs, store.Batch{})
}

// AddFromStream is AddAnalyzed for articles read from a message stream: the
// same transaction records that the stream was consumed after position from
// up to position to (store.Batch.Position), so that the placements and the
// place to resume from are never out of step. It fails with
// store.ErrConflict, storing nothing, when the stored position is no longer
// from: another writer has taken over.
func (in *Ingester) AddFromStream(ctx context.Context, arts []article.Article, docs []analyze.Document, from, to int64) ([]Landing, error) {
	return in.add(ctx, arts, docs, store.Batch{Position: to, PositionFrom: from})
}

// add places docs and commits the changes in batch, which may already
// carry a stream position.
func (in *Ingester) add(ctx context.Context, arts []article.Article, docs []analyze.Document, batch store.Batch) ([]Landing, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	landings := make([]Landing, len(arts))
	fresh := map[string]article.Article{}
	for i, d := range docs {
		out := in.p.Add(d)
		l := Landing{
			Article: d.Article.ID, Event: pipeline.EventID(out.Placement.Event), Storyline: pipeline.StorylineID(out.Link.Storyline),
			NewEvent: out.Placement.New && !out.Repeat, DuplicateOf: out.DuplicateOf, Repeat: out.Repeat,
		}
		landings[i] = l
		if !out.Repeat {
			fresh[d.Article.ID] = arts[i]
		}
	}
	reportStart := time.Now()
	events, storylines, removed := in.p.Changes()
	batch.Events, batch.Storylines, batch.Removed = events, storylines, removed
	where := map[string]report.Article{}
	for _, e := range events {
		for _, a := range e.Articles {
			a.Event = e.ID
			where[a.ID] = a
		}
	}
	storylineOf := map[string]string{}
	for _, e := range events {
		storylineOf[e.ID] = e.Storyline
	}
	for i := range landings {
		l := &landings[i]
		a, ok := where[l.Article]
		if !ok {
			continue // a repeat: its event did not change
		}
		l.Event, l.Storyline = a.Event, storylineOf[a.Event]
		art, ok := fresh[l.Article]
		if !ok {
			continue
		}
		delete(fresh, l.Article) // the same id twice in one batch is stored once
		batch.Articles = append(batch.Articles, store.Article{
			Article: a, Text: art.Text, Lang: art.Lang, Origin: art.Origin, Storyline: l.Storyline,
			Raw: store.Raw{Title: art.Title, Date: dateOnly(art.Date)},
		})
	}
	storeStart := time.Now()
	in.timings.Report += storeStart.Sub(reportStart)
	err := in.st.Commit(ctx, batch)
	in.timings.Store += time.Since(storeStart)
	if err != nil {
		if rerr := in.replay(context.WithoutCancel(ctx)); rerr != nil {
			return nil, fmt.Errorf("ingest: %w (and rebuilding from the store failed: %v)", err, rerr)
		}
		return nil, fmt.Errorf("ingest: %w", err)
	}
	return landings, nil
}

func dateOnly(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
