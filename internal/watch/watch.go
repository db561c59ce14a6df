// Package watch polls news feeds over HTTP and turns the items not seen
// before into articles, for the storyline watch command.
package watch

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"storyline/internal/article"
)

// Config controls a Watcher. New gives zero fields their default, except
// FetchPages: a zero bool cannot say whether it was set.
type Config struct {
	// Interval is the time between two polls of one feed.
	Interval time.Duration
	// MaxBackoff caps the exponentially growing wait of a failing feed.
	MaxBackoff time.Duration
	// Timeout bounds one HTTP request, body included.
	Timeout time.Duration
	// MaxBytes is the largest feed or page body read; a larger body is an
	// error, so that one huge or endless response cannot exhaust memory.
	MaxBytes int64
	// FetchPages makes the watcher fetch an item's web page when the feed
	// carries only a summary of it.
	FetchPages bool
	// UserAgent is sent with every request when not empty.
	UserAgent string
}

// DefaultConfig returns the configuration used by the watch command.
func DefaultConfig() Config {
	return Config{
		Interval:   5 * time.Minute,
		MaxBackoff: time.Hour,
		Timeout:    30 * time.Second,
		MaxBytes:   10 << 20,
		FetchPages: true,
	}
}

// maxSeen bounds the item IDs remembered per feed, so that a long-running
// watcher does not grow without limit. It is far more than any feed carries
// at once, so an ID is forgotten only after the item has left the feed.
const maxSeen = 10000

// maxRetryAfter caps a server's Retry-After: a bogus far-future date must
// not silence a feed for good.
const maxRetryAfter = 24 * time.Hour

// A Watcher polls feeds and remembers, per feed, what it has already
// returned. It is safe for concurrent use.
type Watcher struct {
	cfg    Config
	client *http.Client
	log    *slog.Logger

	mu      sync.Mutex
	feeds   map[string]*feedState
	jitter  *rand.Rand // nil: no jitter (tests)
	maxSeen int

	// now and sleep are the clock; tests replace them.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// feedState is what the watcher knows about one feed.
type feedState struct {
	etag, lastModified string // validators of the last response handed on
	failures           int    // consecutive failed polls

	// seen holds the IDs of items already returned; ring keeps them in
	// arrival order so the oldest is forgotten first.
	seen map[string]struct{}
	ring []string
	next int // index in ring of the oldest ID once ring is full
}

// New returns a Watcher. A nil client means http.DefaultClient and a nil
// logger discards the log.
func New(cfg Config, client *http.Client, logger *slog.Logger) *Watcher {
	def := DefaultConfig()
	if cfg.Interval <= 0 {
		cfg.Interval = def.Interval
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = def.MaxBackoff
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = def.Timeout
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = def.MaxBytes
	}
	if client == nil {
		client = http.DefaultClient
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	seed := uint64(time.Now().UnixNano())
	return &Watcher{
		cfg:     cfg,
		client:  client,
		log:     logger,
		feeds:   make(map[string]*feedState),
		jitter:  rand.New(rand.NewPCG(seed, seed>>32)),
		maxSeen: maxSeen,
		now:     time.Now,
		sleep:   sleepCtx,
	}
}

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run polls every feed on its interval until ctx ends, handing each
// non-empty batch of new articles to sink. Feeds are polled concurrently,
// but sink is called by one goroutine at a time. A failing feed waits
// exponentially longer (with a little jitter, and at least as long as a
// Retry-After asks) up to MaxBackoff and is retried; other feeds carry on.
// When sink fails the error is logged and the batch comes again on the next
// poll: items are marked seen only once sink has taken them. Run returns
// ctx's error when ctx ends.
func (w *Watcher) Run(ctx context.Context, feeds []string, sink func(context.Context, []article.Article) error) error {
	if len(feeds) == 0 {
		return errors.New("watch: no feeds to watch")
	}
	var sinkMu sync.Mutex
	serialSink := func(ctx context.Context, arts []article.Article) error {
		sinkMu.Lock()
		defer sinkMu.Unlock()
		return sink(ctx, arts)
	}
	var wg sync.WaitGroup
	started := make(map[string]bool)
	for _, u := range feeds {
		if started[u] {
			continue // two loops on one feed would deliver its items twice
		}
		started[u] = true
		wg.Go(func() {
			for {
				if w.sleep(ctx, w.round(ctx, u, serialSink)) != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// round polls a feed once, hands what is new to sink, and returns how long
// to wait before the next poll.
func (w *Watcher) round(ctx context.Context, feedURL string, sink func(context.Context, []article.Article) error) time.Duration {
	res, err := w.poll(ctx, feedURL)
	if err != nil {
		if ctx.Err() != nil {
			return 0 // Run is ending; the sleep returns at once
		}
		n := w.setFailures(feedURL, func(n int) int { return n + 1 })
		var se *statusError
		var retryAfter time.Duration
		if errors.As(err, &se) {
			retryAfter = se.retryAfter
		}
		d := w.backoff(n, retryAfter)
		w.log.Warn("watch: poll failed", "feed", feedURL, "err", err, "failures", n, "retry_in", d)
		return d
	}
	w.setFailures(feedURL, func(int) int { return 0 })
	if len(res.articles) > 0 {
		if err := sink(ctx, res.articles); err != nil {
			w.log.Error("watch: sink failed; batch retried on next poll", "feed", feedURL, "articles", len(res.articles), "err", err)
			return w.cfg.Interval
		}
		w.log.Info("watch: new articles", "feed", feedURL, "articles", len(res.articles))
	}
	w.commit(feedURL, res)
	return w.cfg.Interval
}

// backoff is the wait after the given number of consecutive failures:
// Interval doubled per failure, capped at MaxBackoff but never below
// Interval, less up to a tenth of random jitter so that feeds failing
// together do not retry together; and never shorter than retryAfter.
func (w *Watcher) backoff(failures int, retryAfter time.Duration) time.Duration {
	d := w.cfg.Interval
	for i := 0; i < failures && d < w.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = max(min(d, w.cfg.MaxBackoff), w.cfg.Interval)
	w.mu.Lock()
	if w.jitter != nil {
		d -= time.Duration(w.jitter.Int64N(int64(d)/10 + 1))
	}
	w.mu.Unlock()
	return max(d, min(retryAfter, maxRetryAfter))
}

// state returns the state of a feed, creating it. w.mu must be held.
func (w *Watcher) state(feedURL string) *feedState {
	s := w.feeds[feedURL]
	if s == nil {
		s = &feedState{seen: make(map[string]struct{})}
		w.feeds[feedURL] = s
	}
	return s
}

// setFailures updates a feed's failure count and returns the new count.
func (w *Watcher) setFailures(feedURL string, f func(int) int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.state(feedURL)
	s.failures = f(s.failures)
	return s.failures
}

// commit records a poll's result as handed on: its validators for the next
// conditional request, and its articles as seen.
func (w *Watcher) commit(feedURL string, res *pollResult) {
	if res.notModified {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.state(feedURL)
	s.etag, s.lastModified = res.etag, res.lastModified
	for _, a := range res.articles {
		s.remember(a.ID, w.maxSeen)
	}
}

// remember adds id to the seen set, forgetting the oldest ID when the set
// already holds limit IDs.
func (s *feedState) remember(id string, limit int) {
	if _, ok := s.seen[id]; ok {
		return
	}
	if len(s.ring) < limit {
		s.ring = append(s.ring, id)
	} else {
		delete(s.seen, s.ring[s.next])
		s.ring[s.next] = id
		s.next = (s.next + 1) % limit
	}
	s.seen[id] = struct{}{}
}
