// Package ingest adds articles to a store: it places each one through a
// pipeline whose state was rebuilt from the store, and writes what changed
// in one transaction per batch. The CLI's ingest command and the server's
// POST /api/articles both go through it.
package ingest

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"sync"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/article"
	"storyline/internal/pipeline"
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
		p.DiscardChanges() // and what retired events no longer need
		after = page[len(page)-1].Seq
		n += len(page)
	}
	p.DoubtHeads()
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
	return in.add(ctx, arts, docs, store.Batch{}, true)
}

// AddFromStream is AddAnalyzed for articles read from a message stream: the
// same transaction records that the stream was consumed after position from
// up to position to (store.Batch.Position), so that the placements and the
// place to resume from are never out of step. It fails with
// store.ErrConflict, storing nothing, when the stored position is no longer
// from: another writer has taken over. caughtUp says that the stream holds
// no more articles for now: the batch then also brings the heads of all
// storylines up to date, as every call of Add does (see place).
func (in *Ingester) AddFromStream(ctx context.Context, arts []article.Article, docs []analyze.Document, from, to int64, caughtUp bool) ([]Landing, error) {
	return in.add(ctx, arts, docs, store.Batch{Position: to, PositionFrom: from}, caughtUp)
}

// add places docs and commits the changes in batch, which may already
// carry a stream position.
func (in *Ingester) add(ctx context.Context, arts []article.Article, docs []analyze.Document, batch store.Batch, settle bool) ([]Landing, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	landings := in.place(arts, docs, &batch, settle)
	if err := in.commit(ctx, batch); err != nil {
		return nil, err
	}
	return landings, nil
}

// place places docs and adds what changed to batch, and with settle the
// heads of all storylines that batches touched without drawing them anew
// (see pipeline.Pipeline.SettleStorylines): the input pauses after this
// batch.
func (in *Ingester) place(arts []article.Article, docs []analyze.Document, batch *store.Batch, settle bool) []Landing {
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
	for i := range landings {
		l := &landings[i]
		art, ok := fresh[l.Article]
		if !ok {
			continue // a repeat, or the same id twice in this batch
		}
		delete(fresh, l.Article)
		// Where it is now: a later article of the batch may have moved
		// its event to another storyline.
		a, sid, _ := in.p.Article(l.Article)
		l.Event, l.Storyline = a.Event, sid
		batch.Articles = append(batch.Articles, store.Article{
			Article: a, Text: art.Text, Lang: art.Lang, Origin: art.Origin, Storyline: sid,
			Raw: store.Raw{Title: art.Title, Date: dateOnly(art.Date)},
		})
	}
	// After the articles: Changes lets go of what an article retired in
	// this batch needs for its report.
	ch := in.p.Changes()
	batch.Events, batch.Storylines, batch.Touched, batch.Removed = ch.Events, ch.Storylines, ch.Touched, ch.Removed
	for _, m := range ch.Moved {
		batch.Moves = append(batch.Moves, store.Move{Article: m.Article, Event: m.Event, Storyline: m.Storyline, Explain: m.Explain})
	}
	for _, m := range ch.Merged {
		batch.Merged = append(batch.Merged, store.Merge{From: m.From, Into: m.Into})
	}
	if settle {
		batch.Storylines = append(batch.Storylines, in.p.SettleStorylines()...)
	}
	in.timings.Report += time.Since(reportStart)
	return landings
}

// settle stores the heads of storylines that batches touched without
// drawing them anew (see pipeline.Pipeline.SettleStorylines), for when the
// input ends after batches that did not.
func (in *Ingester) settle(ctx context.Context) error {
	heads := in.p.SettleStorylines()
	if len(heads) == 0 {
		return nil
	}
	return in.commit(ctx, store.Batch{Storylines: heads})
}

// commit stores a placed batch. If the store refuses it, the pipeline,
// which is ahead of the store, is rebuilt from the store.
func (in *Ingester) commit(ctx context.Context, batch store.Batch) error {
	start := time.Now()
	err := in.st.Commit(ctx, batch)
	in.timings.Store += time.Since(start)
	if err != nil {
		return in.rebuildAfter(err)
	}
	return nil
}

// AddAll adds batches of articles in order, as Add would one after the
// other, but overlaps the three steps: batch n+1 is analysed (on all
// cores) while batch n is placed and batch n-1 is committed. committed,
// if not nil, receives each batch's landings once the batch is stored.
//
// When ctx ends, what was placed is still committed, so that the store
// and the placement state stay in step, and AddAll returns ctx's error.
// Other callers of the Ingester wait until AddAll returns.
func (in *Ingester) AddAll(ctx context.Context, batches iter.Seq[[]article.Article], committed func([]Landing)) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	type analysed struct {
		arts []article.Article
		docs []analyze.Document
	}
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan analysed, 1)
	go func() {
		defer close(next)
		for arts := range batches {
			start := time.Now()
			docs := pipeline.AnalyzeAll(arts)
			in.timings.Analyze += time.Since(start) // read after next closes
			select {
			case next <- analysed{arts, docs}:
			case <-stop.Done():
				return
			}
		}
	}()
	// Drained on every return, so the analysing goroutine never leaks and
	// its timing is read after it wrote it.
	defer func() {
		cancel()
		for range next {
		}
	}()

	var pending chan error // the commit in flight, if any
	var pendingLandings []Landing
	wait := func() error {
		if pending == nil {
			return nil
		}
		err := <-pending
		pending = nil
		if err == nil && committed != nil {
			committed(pendingLandings)
		}
		return err
	}
	for b := range next {
		if ctx.Err() != nil {
			break
		}
		var batch store.Batch
		landings := in.place(b.arts, b.docs, &batch, false)
		if err := wait(); err != nil {
			// The store refused the previous batch: this one, placed
			// after it, is gone with it.
			return in.rebuildAfter(err)
		}
		pending, pendingLandings = make(chan error, 1), landings
		go func() {
			start := time.Now()
			err := in.st.Commit(context.WithoutCancel(ctx), batch)
			in.timings.Store += time.Since(start) // read after pending is received
			pending <- err
		}()
	}
	if err := wait(); err != nil {
		return in.rebuildAfter(err)
	}
	if err := in.settle(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	return ctx.Err()
}

// rebuildAfter rebuilds the pipeline from the store after a failed commit.
func (in *Ingester) rebuildAfter(err error) error {
	if rerr := in.replay(context.Background()); rerr != nil {
		return fmt.Errorf("ingest: %w (and rebuilding from the store failed: %v)", err, rerr)
	}
	return fmt.Errorf("ingest: %w", err)
}

func dateOnly(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
