package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"storyline/internal/analyze"
	"storyline/internal/article"
	"storyline/internal/ingest"
	"storyline/internal/pipeline"
	"storyline/internal/store"
)

// A Writer places a deployment's analysed articles into the store: the one
// ordered step of the pipeline. It reads the articles stream in order and
// commits each batch of placements together with the stream position it
// reached, in one transaction; after a crash it rebuilds its placement
// state from the store and goes on after that position, so every article
// is placed exactly once.
//
// Only one writer of a deployment works at a time: it holds the store lock
// named Deployment.LockName. Others wait for the lock and take over when
// the holder dies.
type Writer struct {
	JS         jetstream.JetStream
	Deployment Deployment
	// DSN names the store (see store.Open).
	DSN    string
	Config pipeline.Config
	// Batch is the most articles placed and committed at a time, and Wait
	// the longest a batch waits to fill up. 0 means 500 and 200ms.
	Batch int
	Wait  time.Duration
	// Log receives what the writer does; nil means slog.Default().
	Log *slog.Logger
	// Committed, when not nil, is called after each commit with the stream
	// position reached and the number of articles placed.
	Committed func(position int64, articles int)
}

// errLockLost ends a writer whose store lock may have passed to another.
var errLockLost = errors.New("queue: writer lock lost")

// Run waits for the writer lock, then writes until ctx ends (returning
// nil) or something fails. A failed writer must not go on: its placement
// state may be ahead of the store. Run it again (it resumes from the
// store), or let a standby take over.
func (w *Writer) Run(ctx context.Context) error {
	if w.Batch <= 0 {
		w.Batch = 500
	}
	if w.Wait <= 0 {
		w.Wait = 200 * time.Millisecond
	}
	if w.Log == nil {
		w.Log = slog.Default()
	}
	d := w.Deployment
	if err := Setup(ctx, w.JS, d); err != nil {
		return err
	}
	lease, err := store.TryLock(ctx, w.DSN, d.LockName())
	if errors.Is(err, store.ErrLocked) {
		w.Log.Info("writer: another writer holds the lock; standing by", "deployment", d.Name())
		lease, err = store.Lock(ctx, w.DSN, d.LockName())
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("queue: writer lock: %w", err)
	}
	defer lease.Release()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case <-lease.Lost():
			cancel(errLockLost)
		case <-ctx.Done():
		}
	}()
	err = w.write(ctx)
	if cause := context.Cause(ctx); errors.Is(cause, errLockLost) {
		return cause
	}
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func (w *Writer) write(ctx context.Context) error {
	d := w.Deployment
	st, err := store.Open(ctx, w.DSN)
	if err != nil {
		return err
	}
	defer st.Close()
	in, err := ingest.Open(ctx, st, w.Config)
	if err != nil {
		return err
	}
	pos, err := st.Position(ctx)
	if err != nil {
		return err
	}
	stream, err := w.JS.Stream(ctx, d.ArticlesStream())
	if err != nil {
		return fmt.Errorf("queue: writer: %w", err)
	}
	if info, err := stream.Info(ctx); err != nil {
		return fmt.Errorf("queue: writer: %w", err)
	} else if uint64(pos) > info.State.LastSeq {
		return fmt.Errorf("queue: writer: the store has consumed stream %s up to %d, but the stream ends at %d: it was fed by another stream, or this one was recreated",
			d.ArticlesStream(), pos, info.State.LastSeq)
	}
	// The consumer starts where the store says, whatever a previous
	// writer left: the store is the record of what was placed.
	if err := stream.DeleteConsumer(ctx, WriterConsumer); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return fmt.Errorf("queue: writer: %w", err)
	}
	cons, err := stream.CreateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       WriterConsumer,
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   uint64(pos) + 1,
		// One acknowledgement after each commit covers the whole batch,
		// so the consumer's pending count is the writer's lag.
		AckPolicy: jetstream.AckAllPolicy,
		// Long enough that no batch is redelivered while it is placed;
		// the writer skips anything at or before its position anyway.
		AckWait:       10 * time.Minute,
		MaxDeliver:    -1,
		MaxAckPending: 2 * w.Batch,
	})
	if err != nil {
		return fmt.Errorf("queue: writer consumer: %w", err)
	}
	w.Log.Info("writer started", "deployment", d.Name(), "position", pos)

	for ctx.Err() == nil {
		msgs, err := fetch(ctx, cons, w.Batch, w.Wait)
		if err != nil {
			w.Log.Warn("writer: fetching articles", "err", err)
			sleep(ctx, time.Second)
			continue
		}
		decoded := decodeAll(msgs)
		var arts []article.Article
		var docs []analyze.Document
		var last jetstream.Msg
		to := pos
		for i, m := range msgs {
			meta, err := m.Metadata()
			if err != nil {
				return fmt.Errorf("queue: writer: %w", err)
			}
			seq := int64(meta.Sequence.Stream)
			if seq <= to {
				continue // delivered again; already placed
			}
			if seq != to+1 {
				w.Log.Warn("writer: articles missing from the stream (expired before they were placed?)", "from", to+1, "to", seq-1)
			}
			to, last = seq, m
			doc, err := decoded[i].doc, decoded[i].err
			if err != nil {
				w.Log.Warn("writer: article dead-lettered", "seq", seq, "reason", err)
				// The message stays in the stream too, so a dead letter
				// that cannot be stored loses nothing.
				if err := DeadLetter(ctx, w.JS, d, m, err.Error()); err != nil {
					w.Log.Error("writer: dead letter not stored", "seq", seq, "err", err)
				}
				continue
			}
			arts = append(arts, doc.Article)
			docs = append(docs, doc)
		}
		if last == nil || ctx.Err() != nil {
			continue
		}
		// A batch begun is finished even when the writer is stopped; a
		// successor that took over meanwhile makes the commit fail
		// (store.ErrConflict) rather than be overwritten.
		if _, err := in.AddFromStream(context.WithoutCancel(ctx), arts, docs, pos, to); err != nil {
			return fmt.Errorf("queue: writer: placing articles %d to %d: %w", pos+1, to, err)
		}
		pos = to
		if err := last.Ack(); err != nil {
			// Only the lag shown by status suffers: the position is in
			// the store.
			w.Log.Warn("writer: ack", "err", err)
		}
		if w.Committed != nil {
			w.Committed(pos, len(arts))
		}
	}
	return nil
}

type decodedMsg struct {
	doc analyze.Document
	err error
}

// decodeAll decodes messages on all cores: decoding is a fifth of the
// writer's work, and the rest of it is one ordered step.
func decodeAll(msgs []jetstream.Msg) []decodedMsg {
	out := make([]decodedMsg, len(msgs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(msgs)) {
		wg.Go(func() {
			for i := range next {
				out[i].doc, out[i].err = DecodeAnalyzed(msgs[i].Data())
			}
		})
	}
	for i := range msgs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}
