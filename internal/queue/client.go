package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"storyline/internal/article"
)

// A Client is what a front end (storyline serve --nats) needs of a
// deployment: to queue articles for the workers, and to learn which were
// dead-lettered. It implements server.Queue.
type Client struct {
	JS         jetstream.JetStream
	Deployment Deployment
}

// Enqueue queues a job for each article, in order, and returns once the
// server has stored them all.
func (c Client) Enqueue(ctx context.Context, arts []article.Article) error {
	return SubmitArticles(ctx, c.JS, c.Deployment, arts)
}

// deadScanBatch is how many dead letters Rejected reads at a time.
const deadScanBatch = 256

// Rejected tells whether the article with id went to the dead letters, and
// why. Dead letters are few (they are kept 30 days, and each is a failure
// someone should look at), so it simply reads them all, newest reason
// winning: both job and analysed-article messages carry the article under
// "article".
func (c Client) Rejected(ctx context.Context, id string) (reason string, found bool, err error) {
	st, err := c.JS.Stream(ctx, c.Deployment.DeadStream())
	if err != nil {
		return "", false, fmt.Errorf("queue: dead letters: %w", err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return "", false, fmt.Errorf("queue: dead letters: %w", err)
	}
	last := info.State.LastSeq
	if info.State.Msgs == 0 {
		return "", false, nil
	}
	cons, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return "", false, fmt.Errorf("queue: dead letters: %w", err)
	}
	for {
		batch, err := cons.Fetch(deadScanBatch, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return "", false, fmt.Errorf("queue: dead letters: %w", err)
		}
		n := 0
		var seq uint64
		for m := range batch.Messages() {
			n++
			if meta, err := m.Metadata(); err == nil {
				seq = meta.Sequence.Stream
			}
			if articleID(m.Data()) == id {
				reason, found = m.Headers().Get(ReasonHeader), true
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) && !errors.Is(err, context.DeadlineExceeded) {
			return "", false, fmt.Errorf("queue: dead letters: %w", err)
		}
		if n == 0 || seq >= last {
			return reason, found, nil
		}
	}
}

// articleID returns the id of the article a job or an analysed article
// message carries, "" if none.
func articleID(data []byte) string {
	var m struct {
		Article *struct {
			ID string `json:"id"`
		} `json:"article"`
	}
	if json.Unmarshal(data, &m) != nil || m.Article == nil {
		return ""
	}
	return m.Article.ID
}
