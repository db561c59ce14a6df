package queue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"storyline/internal/article"
	"storyline/internal/pipeline"
	"storyline/internal/watch"
)

// A Worker takes jobs from a deployment's work queue, reads the articles
// they name (fetching pages and feeds over HTTP), analyses them, and
// publishes the analysed articles to the articles stream. It acknowledges
// a job only once the server has stored every article the job gave, so a
// worker killed midway loses nothing: its unacknowledged jobs go to
// another worker after AckWait. Any number of workers can run, on any
// number of machines.
type Worker struct {
	JS         jetstream.JetStream
	Deployment Deployment
	// Batch is how many jobs are taken at a time; their articles are
	// analysed on all cores together. 0 means 32.
	Batch int
	// AckWait is how long a job may go unacknowledged before the server
	// hands it to another worker: how soon the jobs of a dead worker are
	// redone. While a batch is at work the worker extends it. 0 means 1
	// minute. It is a setting of the workers' shared consumer, so the
	// last worker started sets it for all.
	AckWait time.Duration
	// JobTimeout bounds the fetching of one job's pages or feed. 0 means
	// 5 minutes.
	JobTimeout time.Duration
	// MaxAttempts is how many times a failing job is tried before it goes
	// to the dead letters. 0 means 5.
	MaxAttempts int
	// HTTP fetches pages and feeds; nil means http.DefaultClient, the
	// watcher's timeout bounding each request.
	HTTP *http.Client
	// UserAgent is sent with every request when not empty.
	UserAgent string
	// Log receives what the worker does; nil means slog.Default().
	Log *slog.Logger
}

func (w *Worker) defaults() {
	if w.Batch <= 0 {
		w.Batch = 32
	}
	if w.AckWait <= 0 {
		w.AckWait = time.Minute
	}
	if w.JobTimeout <= 0 {
		w.JobTimeout = 5 * time.Minute
	}
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = 5
	}
	if w.Log == nil {
		w.Log = slog.Default()
	}
}

// Run works until ctx ends, and then returns nil; it returns an error if
// the deployment's streams cannot be set up.
func (w *Worker) Run(ctx context.Context) error {
	w.defaults()
	if err := Setup(ctx, w.JS, w.Deployment); err != nil {
		return err
	}
	cons, err := w.JS.CreateOrUpdateConsumer(ctx, w.Deployment.JobsStream(), jetstream.ConsumerConfig{
		Durable:   WorkersConsumer,
		AckPolicy: jetstream.AckExplicitPolicy,
		AckWait:   w.AckWait,
		// Attempts are counted by the worker, which dead-letters a job
		// that keeps failing instead of leaving it stuck in the queue.
		MaxDeliver:    -1,
		MaxAckPending: 4096,
	})
	if err != nil {
		return fmt.Errorf("queue: worker consumer: %w", err)
	}
	w.Log.Info("worker started", "deployment", w.Deployment.Name(), "stream", w.Deployment.JobsStream())
	var retry backoff
	for ctx.Err() == nil {
		msgs, err := fetchReady(ctx, cons, w.Batch, 5*time.Second)
		if err != nil {
			// The connection may be down: the client reconnects by
			// itself. Jobs handed to a request whose answer was lost
			// come again after AckWait.
			delay := retry.next()
			w.Log.Warn("worker: fetching jobs", "err", err, "retry_in", delay)
			sleep(ctx, delay)
			continue
		}
		retry.reset()
		if len(msgs) > 0 {
			w.work(ctx, msgs)
		}
	}
	return nil
}

// fetch takes up to n messages, waiting at most wait for them to fill the
// batch.
//
// The server ends the request when wait is over, after the messages it
// sent for it. A client-side deadline instead (jetstream.FetchContext)
// races them: messages still on the way when it passes are dropped,
// though the server counts them delivered, and only come again after
// AckWait, or never for the writer once it acknowledges a later one.
func fetch(ctx context.Context, cons jetstream.Consumer, n int, wait time.Duration) ([]jetstream.Msg, error) {
	batch, err := cons.Fetch(n, jetstream.FetchMaxWait(wait))
	return collect(ctx, batch, err)
}

// fetchReady takes up to n messages as soon as there is one: what is ready
// at once, or else the first to arrive within wait with whatever is ready
// by then. Unlike fetch, it does not hold back a few jobs waiting for more.
func fetchReady(ctx context.Context, cons jetstream.Consumer, n int, wait time.Duration) ([]jetstream.Msg, error) {
	batch, err := cons.FetchNoWait(n)
	msgs, err := collect(ctx, batch, err)
	if len(msgs) > 0 || err != nil || n == 1 {
		return msgs, err
	}
	if msgs, err = fetch(ctx, cons, 1, wait); len(msgs) == 0 || err != nil {
		return msgs, err
	}
	batch, err = cons.FetchNoWait(n - 1)
	more, err := collect(ctx, batch, err)
	return append(msgs, more...), err
}

// collect drains a fetched batch, or what came of it when ctx ends.
// Running out of time or of messages is no error.
func collect(ctx context.Context, batch jetstream.MessageBatch, err error) ([]jetstream.Msg, error) {
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil
		}
		return nil, err
	}
	var msgs []jetstream.Msg
	in := batch.Messages()
	for in != nil {
		select {
		case m, ok := <-in:
			if ok {
				msgs = append(msgs, m)
			} else {
				in = nil
			}
		case <-ctx.Done():
			// Stopping: what else comes for this request is lost, and
			// comes again after AckWait (jobs) or from the store's
			// position when a writer starts (articles).
			return msgs, nil
		}
	}
	if err := batch.Error(); err != nil && ctx.Err() == nil &&
		!errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, jetstream.ErrNoMessages) {
		return msgs, err
	}
	return msgs, nil
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// A backoff spaces the retries of something that keeps failing, such as
// fetching while the server cannot be reached: 100ms, then twice as long
// each time, up to 5s.
type backoff struct{ delay time.Duration }

// next returns how long to wait before the next try.
func (b *backoff) next() time.Duration {
	b.delay = min(max(2*b.delay, 100*time.Millisecond), 5*time.Second)
	return b.delay
}

// reset starts over after a success.
func (b *backoff) reset() { b.delay = 0 }

// A result is what one job gave.
type result struct {
	arts []article.Article
	err  error
	// dead is why the job can never succeed; it goes to the dead letters.
	dead string
}

// work does a batch of jobs: fetch them all, analyse all their articles
// together, then publish and acknowledge job by job, in order, so that one
// worker publishes articles in the order their jobs were submitted.
func (w *Worker) work(ctx context.Context, msgs []jetstream.Msg) {
	stop := keepAlive(msgs, w.AckWait/3)
	defer stop()

	results := make([]result, len(msgs))
	var wg sync.WaitGroup
	for i, m := range msgs {
		wg.Go(func() { results[i] = w.run(ctx, m) })
	}
	wg.Wait()
	if ctx.Err() != nil {
		// Shutting down: hand the jobs back at once rather than after
		// AckWait.
		for _, m := range msgs {
			m.Nak()
		}
		return
	}

	var arts []article.Article
	for _, r := range results {
		arts = append(arts, r.arts...)
	}
	docs := pipeline.AnalyzeAll(arts)

	type pending struct {
		futures []jetstream.PubAckFuture
		err     error
	}
	published := make([]pending, len(msgs))
	next := 0
	for i, r := range results {
		if r.err != nil || r.dead != "" {
			continue
		}
		for j := range r.arts {
			d := &docs[next+j]
			data, err := EncodeAnalyzed(d)
			if err != nil {
				published[i].err = err
				break
			}
			f, err := w.JS.PublishAsync(w.Deployment.ArticlesSubject(), data, jetstream.WithMsgID(d.Article.ID))
			if err != nil {
				published[i].err = fmt.Errorf("publish article %s: %w", d.Article.ID, err)
				break
			}
			published[i].futures = append(published[i].futures, f)
		}
		next += len(r.arts)
	}

	for i, m := range msgs {
		r, p := results[i], published[i]
		if r.dead == "" && r.err == nil && p.err == nil {
			p.err = wait(ctx, p.futures)
		}
		if r.err == nil {
			r.err = p.err
		}
		switch {
		case r.dead != "":
			w.deadLetter(ctx, m, r.dead)
		case r.err != nil:
			w.retry(ctx, m, r.err)
		default:
			if err := m.Ack(); err != nil {
				// The job will come again, and its articles with it; the
				// articles stream drops the copies by message id.
				w.Log.Warn("worker: ack job", "err", err)
			}
		}
	}
}

// wait waits for the server to confirm each publication.
func wait(ctx context.Context, futures []jetstream.PubAckFuture) error {
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("publish: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// keepAlive tells the server every interval that msgs are still being
// worked on, so that a long batch is not redelivered, until stop is called.
func keepAlive(msgs []jetstream.Msg, interval time.Duration) (stop func()) {
	done := make(chan struct{})
	t := time.NewTicker(max(interval, 100*time.Millisecond))
	go func() {
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				for _, m := range msgs {
					m.InProgress()
				}
			}
		}
	}()
	return func() { close(done) }
}

// retry hands a failed job back for a later attempt, with a growing delay,
// or dead-letters it after MaxAttempts.
func (w *Worker) retry(ctx context.Context, m jetstream.Msg, err error) {
	meta, merr := m.Metadata()
	if merr != nil || int(meta.NumDelivered) >= w.MaxAttempts {
		w.deadLetter(ctx, m, fmt.Sprintf("failed %d times: %v", w.MaxAttempts, err))
		return
	}
	delay := time.Duration(1<<min(meta.NumDelivered, 8)) * time.Second
	w.Log.Info("worker: job failed; will retry", "attempt", meta.NumDelivered, "in", delay, "err", err)
	m.NakWithDelay(delay)
}

// deadLetter moves a job to the dead letters; a job that cannot be
// recorded there stays in the queue, to be tried again.
func (w *Worker) deadLetter(ctx context.Context, m jetstream.Msg, reason string) {
	w.Log.Warn("worker: job dead-lettered", "reason", reason)
	if err := DeadLetter(ctx, w.JS, w.Deployment, m, reason); err != nil {
		w.Log.Error("worker: dead letter not stored; the job stays queued", "err", err)
		m.NakWithDelay(10 * time.Second)
		return
	}
	m.Ack()
}

// Headers of a dead letter.
const (
	ReasonHeader   = "Storyline-Reason"
	StreamHeader   = "Storyline-Stream"
	SequenceHeader = "Storyline-Sequence"
)

// DeadLetter stores a copy of m, with the reason it could not be used, on
// the deployment's dead-letter subject, and waits for the server to have it.
func DeadLetter(ctx context.Context, js jetstream.JetStream, d Deployment, m jetstream.Msg, reason string) error {
	dead := nats.NewMsg(d.DeadSubject())
	dead.Data = m.Data()
	dead.Header.Set(ReasonHeader, reason)
	if meta, err := m.Metadata(); err == nil {
		seq := fmt.Sprint(meta.Sequence.Stream)
		dead.Header.Set(StreamHeader, meta.Stream)
		dead.Header.Set(SequenceHeader, seq)
		// A message dead-lettered twice (the process died before
		// acknowledging it) is stored once.
		dead.Header.Set(jetstream.MsgIDHeader, meta.Stream+":"+seq)
	}
	if _, err := js.PublishMsg(ctx, dead); err != nil {
		return fmt.Errorf("queue: dead letter: %w", err)
	}
	return nil
}

// run reads the articles of one job.
func (w *Worker) run(ctx context.Context, m jetstream.Msg) result {
	job, err := DecodeJob(m.Data())
	if err != nil {
		return result{dead: err.Error()}
	}
	if job.Kind == KindArticle {
		a, _ := job.Article.article() // DecodeJob checked it
		return result{arts: []article.Article{a}}
	}
	ctx, cancel := context.WithTimeout(ctx, w.JobTimeout)
	defer cancel()
	if u, err := url.Parse(job.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return result{dead: fmt.Sprintf("%s job: %q is not an http(s) URL", job.Kind, job.URL)}
	}
	cfg := watch.DefaultConfig()
	cfg.UserAgent = w.UserAgent
	if job.Kind == KindFeed {
		// A fresh watcher has seen nothing, so Poll returns every item;
		// items already placed are repeats the writer ignores.
		arts, err := watch.New(cfg, w.HTTP, w.Log).Poll(ctx, job.URL)
		if err != nil {
			return result{err: err}
		}
		w.Log.Info("worker: feed read", "url", job.URL, "articles", len(arts))
		return result{arts: arts}
	}
	a, err := w.page(ctx, job.URL, cfg)
	var perm *permanent
	if errors.As(err, &perm) {
		return result{dead: err.Error()}
	}
	if err != nil {
		return result{err: err}
	}
	return result{arts: []article.Article{a}}
}

// permanent is an error that trying again will not mend.
type permanent struct{ err error }

func (p *permanent) Error() string { return p.err.Error() }
func (p *permanent) Unwrap() error { return p.err }

// page fetches and reads one web page.
func (w *Worker) page(ctx context.Context, pageURL string, cfg watch.Config) (article.Article, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return article.Article{}, &permanent{err}
	}
	req.Header.Set("Accept", "text/html, application/xhtml+xml;q=0.9, */*;q=0.5")
	if cfg.UserAgent != "" {
		req.Header.Set("User-Agent", cfg.UserAgent)
	}
	client := w.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return article.Article{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("%s: %s", pageURL, resp.Status)
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout {
			return article.Article{}, &permanent{err}
		}
		return article.Article{}, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, cfg.MaxBytes+1))
	if err != nil {
		return article.Article{}, fmt.Errorf("%s: %w", pageURL, err)
	}
	if int64(len(body)) > cfg.MaxBytes {
		return article.Article{}, &permanent{fmt.Errorf("%s: larger than %d bytes", pageURL, cfg.MaxBytes)}
	}
	a, err := article.ParseHTML(pageURL, body)
	if a.ID == "" {
		return article.Article{}, &permanent{fmt.Errorf("%s: no article: %w", pageURL, err)}
	}
	a.Origin = pageURL
	if a.URL == "" {
		a.URL = pageURL
	}
	if a.Source == "" {
		if u, err := url.Parse(pageURL); err == nil {
			a.Source = strings.TrimPrefix(u.Hostname(), "www.")
		}
	}
	return a, nil
}

// publishTimeout bounds the wait for the server to confirm a publication.
const publishTimeout = 30 * time.Second

// Connect connects to the NATS server at url, reconnecting for as long as
// the process lives, and returns the connection and its JetStream context.
func Connect(url, name string) (*nats.Conn, jetstream.JetStream, error) {
	nc, err := nats.Connect(url, nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(time.Second))
	if err != nil {
		return nil, nil, fmt.Errorf("queue: connect to NATS at %s: %w", url, err)
	}
	// A publication whose acknowledgement is lost fails after a while
	// instead of holding up the worker or submit that waits for it;
	// publishing again is harmless, articles and jobs carrying ids.
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(publishTimeout))
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("queue: JetStream at %s: %w", url, err)
	}
	return nc, js, nil
}
