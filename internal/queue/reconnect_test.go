package queue_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"storyline/internal/analyze"
	"storyline/internal/article"
	"storyline/internal/pipeline"
	"storyline/internal/queue"
	"storyline/internal/queue/queuetest"
	"storyline/internal/store"
)

// TestConnectionDropped drops the connections of a worker and the writer
// while articles flow, keeps them down for a while, and restores them: both
// must reconnect and carry on, and every article be placed exactly once,
// as one ingest places the articles in the order they reached the stream.
// Before the drop the writer's connection fails silently, so that articles
// the server delivers to it are lost on the way, as happens when a
// connection breaks under load.
func TestConnectionDropped(t *testing.T) {
	d, js := queuetest.Deployment(t)
	ctx := t.Context()
	connect := func(name string) (*queuetest.Proxy, *atomic.Uint64, jetstream.JetStream) {
		proxy := queuetest.NewProxy(t)
		nc, js, err := queue.Connect(proxy.URL(), name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		var reconnects atomic.Uint64
		nc.SetReconnectHandler(func(*nats.Conn) { reconnects.Add(1) })
		return proxy, &reconnects, js
	}
	workerProxy, workerReconnects, workerJS := connect("worker via proxy")
	writerProxy, writerReconnects, writerJS := connect("writer via proxy")

	arts := generated(300, 5)
	if err := queue.SubmitArticles(ctx, js, d, arts[:150]); err != nil {
		t.Fatal(err)
	}
	// A short AckWait brings back soon the jobs handed to a request whose
	// answer was lost.
	startWorker(t, &queue.Worker{JS: workerJS, Deployment: d, Batch: 8, AckWait: 3 * time.Second})
	db := filepath.Join(t.TempDir(), "store.db")
	var position, placed atomic.Int64
	stop := startWriter(t, &queue.Writer{JS: writerJS, Deployment: d, DSN: db,
		Config: pipeline.DefaultConfig(), Batch: 10, Wait: 50 * time.Millisecond,
		Committed: func(pos int64, n int) { position.Store(pos); placed.Add(int64(n)) }})
	waitFor(t, func() bool { return position.Load() >= 30 })

	writerProxy.Deafen()
	delivered := func() uint64 {
		c, err := js.Consumer(ctx, d.ArticlesStream(), queue.WriterConsumer)
		if err != nil {
			t.Fatal(err)
		}
		return c.CachedInfo().Delivered.Stream
	}
	before := delivered()
	// The rest comes while the writer hears nothing: the worker analyses
	// it, and the server hands some of it to the writer in vain.
	if err := queue.SubmitArticles(ctx, js, d, arts[150:]); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return delivered() > before })
	workerProxy.Cut()
	writerProxy.Cut()
	t.Logf("connections cut at position %d; articles up to %d delivered to the writer", position.Load(), delivered())
	time.Sleep(2500 * time.Millisecond)
	workerProxy.Restore()
	writerProxy.Restore()
	restored := time.Now()

	// Each article reaches the stream once (its id is the message id), so
	// the writer is done at the stream's length.
	waitFor(t, func() bool { return position.Load() == int64(len(arts)) })
	t.Logf("all placed %v after the connections were restored", time.Since(restored).Round(time.Millisecond))
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if workerReconnects.Load() == 0 || writerReconnects.Load() == 0 {
		t.Errorf("reconnected: worker %d times, writer %d times; want both at least once", workerReconnects.Load(), writerReconnects.Load())
	}
	if n := placed.Load(); n != int64(len(arts)) {
		t.Errorf("the writer placed %d articles, want %d", n, len(arts))
	}
	checkPlacedOnce(t, db, arts)

	// Jobs lost with the connection came back later than those after
	// them: the stream's order is the one to compare with.
	byID := map[string]article.Article{}
	for _, a := range arts {
		byID[a.ID] = a
	}
	var ordered []article.Article
	for _, id := range streamIDs(t, js, d, len(arts)) {
		ordered = append(ordered, byID[id])
	}
	straight := filepath.Join(t.TempDir(), "ingest.db")
	ingestAll(t, straight, ordered)
	if a, b := queuetest.Events(t, db), queuetest.Events(t, straight); !slices.Equal(a, b) {
		t.Errorf("after the connections dropped the store holds other events than one ingest of the stream: %s", eventsDiff(a, b))
	}
}

// checkPlacedOnce checks that the store at dsn holds each of arts exactly
// once, in its events as in its count.
func checkPlacedOnce(t *testing.T, dsn string, arts []article.Article) {
	t.Helper()
	st, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stats, err := st.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ids := queuetest.PlacedIDs(t, dsn)
	want := make([]string, len(arts))
	for i, a := range arts {
		want[i] = a.ID
	}
	slices.Sort(want)
	if stats.Articles != len(arts) || !slices.Equal(ids, want) {
		t.Errorf("the store holds %d articles, its events %d; want each of the %d once", stats.Articles, len(ids), len(want))
	}
}

// TestWriterConsumerSkipsAhead makes the writer's consumer jump ahead of
// the store's position, as it did after a connection drop lost the answer
// to a pull request: articles the stream still holds must be read again
// and placed; only those really gone may be passed over.
func TestWriterConsumerSkipsAhead(t *testing.T) {
	tests := []struct {
		name string
		// deleted are the stream sequences deleted, skipped by the
		// consumer or not.
		deleted []uint64
	}{
		{name: "still in the stream"},
		{name: "deleted from the stream", deleted: []uint64{51, 52, 53, 54, 55, 56, 57, 58, 59, 60}},
		{name: "first deleted, the rest still in the stream", deleted: []uint64{51, 52}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, js := queuetest.Deployment(t)
			ctx := t.Context()
			arts := generated(100, 12)
			docs := pipeline.AnalyzeAll(arts)
			publish := func(docs []analyze.Document) {
				t.Helper()
				for i := range docs {
					data, err := queue.EncodeAnalyzed(&docs[i])
					if err != nil {
						t.Fatal(err)
					}
					if _, err := js.Publish(ctx, d.ArticlesSubject(), data, jetstream.WithMsgID(docs[i].Article.ID)); err != nil {
						t.Fatal(err)
					}
				}
			}
			publish(docs[:50])
			db := filepath.Join(t.TempDir(), "store.db")
			var position atomic.Int64
			stop := startWriter(t, &queue.Writer{JS: js, Deployment: d, DSN: db, Config: pipeline.DefaultConfig(), Batch: 20,
				Committed: func(pos int64, n int) { position.Store(pos) }})
			waitFor(t, func() bool { return position.Load() == 50 })

			// Replace the writer's consumer, under its feet, by one that
			// starts at 61 while the store is at 50.
			stream, err := js.Stream(ctx, d.ArticlesStream())
			if err != nil {
				t.Fatal(err)
			}
			cons, err := stream.Consumer(ctx, queue.WriterConsumer)
			if err != nil {
				t.Fatal(err)
			}
			cfg := cons.CachedInfo().Config
			if err := stream.DeleteConsumer(ctx, queue.WriterConsumer); err != nil {
				t.Fatal(err)
			}
			publish(docs[50:])
			for _, seq := range tt.deleted {
				if err := stream.DeleteMsg(ctx, seq); err != nil {
					t.Fatal(err)
				}
			}
			cfg.OptStartSeq = 61
			if _, err := stream.CreateConsumer(ctx, cfg); err != nil {
				t.Fatal(err)
			}

			waitFor(t, func() bool { return position.Load() == 100 })
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			var want []article.Article
			for i, a := range arts {
				if !slices.Contains(tt.deleted, uint64(i+1)) {
					want = append(want, a)
				}
			}
			checkPlacedOnce(t, db, want)
			straight := filepath.Join(t.TempDir(), "ingest.db")
			ingestAll(t, straight, want)
			if a, b := queuetest.Events(t, db), queuetest.Events(t, straight); !slices.Equal(a, b) {
				t.Errorf("the store holds other events than one ingest of the articles left in the stream: %s", eventsDiff(a, b))
			}
		})
	}
}

// eventsDiff describes how the events got differ from those wanted.
func eventsDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("%d events, want %d; event %d is\n\t%s\nwant\n\t%s", len(got), len(want), i, got[i], want[i])
		}
	}
	return fmt.Sprintf("%d events, want %d", len(got), len(want))
}
