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
// is placed exactly once. When the connection to the server drops, the
// client reconnects, and articles handed out meanwhile that never arrived
// are read again from the writer's position: none is skipped unless it is
// gone from the stream.
//
// Only one writer works at a time: it holds the store's writer lease
// (store.WriterLease), the one every placing command takes, so that it
// also excludes an ingest, a watch or a serve on the same store. Others
// wait for the lease and take over when the holder dies.
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
	who := store.NewHolder("cluster")
	lease, err := store.TryLock(ctx, w.DSN, store.WriterLease, who)
	if locked, ok := errors.AsType[*store.LockedError](err); ok {
		w.Log.Info("writer: another process writes the store; standing by", "deployment", d.Name(), "holder", locked.Holder.String())
		lease, err = store.Lock(ctx, w.DSN, store.WriterLease, who)
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
	cons, err := w.consumer(ctx, stream, pos)
	if err != nil {
		return err
	}
	w.Log.Info("writer started", "deployment", d.Name(), "position", pos)

	var retry backoff
	var checked time.Time // when w.lost was last asked
	for ctx.Err() == nil {
		if cons == nil {
			if cons, err = w.consumer(ctx, stream, pos); err != nil {
				delay := retry.next()
				w.Log.Warn("writer: recreating the consumer", "position", pos, "err", err, "retry_in", delay)
				sleep(ctx, delay)
				continue
			}
		}
		msgs, err := fetch(ctx, cons, w.Batch, w.Wait)
		if err != nil {
			// The connection may be down: the client reconnects by
			// itself, and the consumer keeps its place on the server.
			delay := retry.next()
			w.Log.Warn("writer: fetching articles", "err", err, "retry_in", delay)
			sleep(ctx, delay)
			continue
		}
		retry.reset()
		if len(msgs) == 0 {
			if time.Since(checked) >= lostCheckInterval {
				checked = time.Now()
				if w.lost(ctx, cons, pos) {
					w.Log.Warn("writer: articles delivered to the writer never arrived; reading again after the position", "position", pos)
					cons = nil
				}
			}
			continue
		}
		decoded := decodeAll(msgs)
		var arts []article.Article
		var docs []analyze.Document
		var last jetstream.Msg
		to := pos
		reread := false
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
				if w.skipped(ctx, stream, to+1, seq) {
					// The consumer moved past articles the stream still
					// holds: they went to a pull request whose answer was
					// lost with the connection, and would come again only
					// after AckWait, if the acknowledgement of a later
					// one did not cover them first. Place what comes
					// before them and read again from there.
					reread = true
					break
				}
				w.Log.Warn("writer: articles missing from the stream (expired or deleted before they were placed)", "from", to+1, "to", seq-1)
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
		if ctx.Err() != nil {
			break
		}
		if last != nil {
			// A batch begun is finished even when the writer is stopped; a
			// successor that took over meanwhile makes the commit fail
			// (store.ErrConflict) rather than be overwritten.
			// A short batch means the stream had no more for now.
			caughtUp := len(msgs) < w.Batch
			if _, err := in.AddFromStream(context.WithoutCancel(ctx), arts, docs, pos, to, caughtUp); err != nil {
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
		if reread {
			w.Log.Warn("writer: the consumer skipped articles still in the stream; reading again after the position", "position", pos)
			cons = nil
		}
	}
	return nil
}

// consumer replaces the writer's durable consumer with one that delivers
// the stream from position+1 on.
func (w *Writer) consumer(ctx context.Context, stream jetstream.Stream, position int64) (jetstream.Consumer, error) {
	if err := stream.DeleteConsumer(ctx, WriterConsumer); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return nil, fmt.Errorf("queue: writer consumer: %w", err)
	}
	cons, err := stream.CreateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       WriterConsumer,
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   uint64(position) + 1,
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
		return nil, fmt.Errorf("queue: writer consumer from %d: %w", position+1, err)
	}
	return cons, nil
}

// skipped tells whether the stream still holds any of the articles from
// sequence from up to before next, which the consumer delivered: if so,
// the consumer skipped them. Only articles that are really gone (expired,
// or deleted) may be passed over; when the stream cannot be asked, the
// answer is yes, reading again being safe.
func (w *Writer) skipped(ctx context.Context, stream jetstream.Stream, from, next int64) bool {
	m, err := stream.GetMsg(ctx, uint64(from), jetstream.WithGetMsgSubject(w.Deployment.ArticlesSubject()))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return false
	}
	if err != nil {
		w.Log.Warn("writer: cannot tell whether articles are missing from the stream", "from", from, "to", next-1, "err", err)
		return true
	}
	return int64(m.Sequence) < next
}

// lostCheckInterval is how often an idle writer asks whether articles
// delivered to it were lost on the way.
const lostCheckInterval = 2 * time.Second

// lost tells whether the consumer has delivered articles after position
// that the writer never received: with the connection down, they went to
// pull requests whose answers were lost. The writer holds no article it
// has not committed when it asks, so any such article is lost for
// AckWait; and if they fill MaxAckPending, nothing else comes meanwhile
// either, so the gap that skipped tells of is not seen.
func (w *Writer) lost(ctx context.Context, cons jetstream.Consumer, position int64) bool {
	if !w.JS.Conn().IsConnected() {
		return false // the answer could only be lost too
	}
	info, err := cons.Info(ctx)
	if err != nil {
		// Fetching fails too, and is retried: ask again later.
		return false
	}
	return int64(info.Delivered.Stream) > position
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
