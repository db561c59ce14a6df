package queue

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"storyline/internal/article"
)

// Status describes a deployment's queues.
type Status struct {
	Deployment string         `json:"deployment"`
	Jobs       StreamStatus   `json:"jobs"`     // jobs waiting or at work
	Articles   StreamStatus   `json:"articles"` // analysed articles kept
	Dead       StreamStatus   `json:"dead"`     // dead letters kept
	Workers    ConsumerStatus `json:"workers"`
	Writer     ConsumerStatus `json:"writer"`
}

// StreamStatus describes one stream.
type StreamStatus struct {
	Messages uint64 `json:"messages"`
	Bytes    uint64 `json:"bytes"`
	LastSeq  uint64 `json:"last_seq"`
}

// ConsumerStatus describes one consumer. Lag is what it has yet to finish:
// messages not yet delivered plus those delivered and not acknowledged.
type ConsumerStatus struct {
	Exists      bool   `json:"exists"`
	Pending     uint64 `json:"pending"`     // not yet delivered
	AckPending  int    `json:"ack_pending"` // delivered, at work
	Redelivered int    `json:"redelivered"` // delivered more than once, still unacknowledged
	Waiting     int    `json:"waiting"`     // pull requests waiting: idle workers
	Lag         uint64 `json:"lag"`
	// Position is the last stream sequence acknowledged (for the writer:
	// committed to the store).
	Position uint64 `json:"position"`
}

// ReadStatus reads the state of a deployment's streams and consumers.
func ReadStatus(ctx context.Context, js jetstream.JetStream, d Deployment) (Status, error) {
	s := Status{Deployment: d.Name()}
	streams := []struct {
		name     string
		into     *StreamStatus
		consumer string
		cinto    *ConsumerStatus
	}{
		{d.JobsStream(), &s.Jobs, WorkersConsumer, &s.Workers},
		{d.ArticlesStream(), &s.Articles, WriterConsumer, &s.Writer},
		{d.DeadStream(), &s.Dead, "", nil},
	}
	for _, x := range streams {
		st, err := js.Stream(ctx, x.name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			return s, fmt.Errorf("queue: no deployment %q on this server (stream %s missing)", d.Name(), x.name)
		}
		if err != nil {
			return s, fmt.Errorf("queue: status of %s: %w", x.name, err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			return s, fmt.Errorf("queue: status of %s: %w", x.name, err)
		}
		*x.into = StreamStatus{Messages: info.State.Msgs, Bytes: info.State.Bytes, LastSeq: info.State.LastSeq}
		if x.consumer == "" {
			continue
		}
		ci, err := st.Consumer(ctx, x.consumer)
		if errors.Is(err, jetstream.ErrConsumerNotFound) {
			continue
		}
		if err != nil {
			return s, fmt.Errorf("queue: status of %s: %w", x.consumer, err)
		}
		c := ci.CachedInfo()
		*x.cinto = ConsumerStatus{
			Exists: true, Pending: c.NumPending, AckPending: c.NumAckPending, Redelivered: c.NumRedelivered,
			Waiting: c.NumWaiting, Lag: c.NumPending + uint64(c.NumAckPending), Position: c.AckFloor.Stream,
		}
	}
	return s, nil
}

// submitWindow is how many jobs Submit publishes before waiting for the
// server to confirm them.
const submitWindow = 1000

// Submit enqueues jobs in the given order and waits until the server has
// stored them all. An article job carries the article's id as its message
// id, so an article submitted twice within a few minutes is queued once.
func Submit(ctx context.Context, js jetstream.JetStream, d Deployment, jobs []Job) error {
	var futures []jetstream.PubAckFuture
	for i, j := range jobs {
		if i%submitWindow == 0 {
			// Bound the publications in flight, which the client limits.
			if err := wait(ctx, futures); err != nil {
				return fmt.Errorf("queue: submit: %w", err)
			}
			futures = futures[:0]
		}
		data, err := encodeJob(j)
		if err != nil {
			return err
		}
		m := nats.NewMsg(d.JobsSubject())
		m.Data = data
		if j.Kind == KindArticle {
			m.Header.Set(jetstream.MsgIDHeader, "article:"+j.Article.ID)
		}
		f, err := js.PublishMsgAsync(m)
		if err != nil {
			return fmt.Errorf("queue: submit: %w", err)
		}
		futures = append(futures, f)
	}
	if err := wait(ctx, futures); err != nil {
		return fmt.Errorf("queue: submit: %w", err)
	}
	return nil
}

// SubmitArticles enqueues a job for each article, in order.
func SubmitArticles(ctx context.Context, js jetstream.JetStream, d Deployment, arts []article.Article) error {
	jobs := make([]Job, len(arts))
	for i, a := range arts {
		jobs[i] = ArticleJob(a)
	}
	return Submit(ctx, js, d, jobs)
}
