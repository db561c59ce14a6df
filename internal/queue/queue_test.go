package queue_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"storyline/internal/article"
	"storyline/internal/ingest"
	"storyline/internal/pipeline"
	"storyline/internal/queue"
	"storyline/internal/queue/queuetest"
	"storyline/internal/store"
	"storyline/internal/store/storetest"
	"storyline/internal/synth"
)

func TestParseDeployment(t *testing.T) {
	d, err := queue.ParseDeployment("News-EU")
	if err != nil {
		t.Fatal(err)
	}
	got := []string{d.JobsStream(), d.JobsSubject(), d.ArticlesStream(), d.ArticlesSubject(), d.DeadStream(), d.DeadSubject()}
	want := []string{"SL_NEWS-EU_JOBS", "sl.news-eu.jobs", "SL_NEWS-EU_ARTICLES", "sl.news-eu.articles", "SL_NEWS-EU_DEAD", "sl.news-eu.dead"}
	if !slices.Equal(got, want) {
		t.Errorf("names %q, want %q", got, want)
	}
	for _, bad := range []string{"", "a.b", "a b", "a*", ">", "-a", "é"} {
		if _, err := queue.ParseDeployment(bad); err == nil {
			t.Errorf("ParseDeployment(%q) accepted", bad)
		}
	}
}

func generated(n int, seed uint64) []article.Article {
	var arts []article.Article
	for a := range synth.Stream(synth.DefaultConfig(n, seed)) {
		a.Gold = article.Gold{}
		arts = append(arts, a)
	}
	return arts
}

// startWorker runs a worker until the test ends or stop is called.
func startWorker(t *testing.T, w *queue.Worker) (stop func()) {
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("worker: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// startWriter runs a writer until the test ends or stop is called; its
// error is returned by stop.
func startWriter(t *testing.T, w *queue.Writer) (stop func() error) {
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

// streamIDs reads the article ids of the articles stream, in order.
func streamIDs(t *testing.T, js jetstream.JetStream, d queue.Deployment, want int) []string {
	t.Helper()
	ctx := t.Context()
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, err := js.Stream(ctx, d.ArticlesStream())
		if err != nil {
			t.Fatal(err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if int(info.State.Msgs) >= want || time.Now().After(deadline) {
			var ids []string
			for seq := info.State.FirstSeq; seq <= info.State.LastSeq && seq > 0; seq++ {
				m, err := st.GetMsg(ctx, seq)
				if err != nil {
					t.Fatal(err)
				}
				doc, err := queue.DecodeAnalyzed(m.Data)
				if err != nil {
					t.Fatalf("seq %d: %v", seq, err)
				}
				ids = append(ids, doc.Article.ID)
			}
			return ids
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func streamMsgs(t *testing.T, js jetstream.JetStream, name string) uint64 {
	t.Helper()
	st, err := js.Stream(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// TestWorkerPublishesInOrder checks that one worker publishes the articles
// of the jobs in the order they were submitted, and that acknowledged jobs
// leave the queue.
func TestWorkerPublishesInOrder(t *testing.T) {
	d, js := queuetest.Deployment(t)
	arts := generated(150, 3)
	if err := queue.SubmitArticles(t.Context(), js, d, arts); err != nil {
		t.Fatal(err)
	}
	startWorker(t, &queue.Worker{JS: js, Deployment: d, Batch: 16})
	got := streamIDs(t, js, d, len(arts))
	want := make([]string, len(arts))
	for i, a := range arts {
		want[i] = a.ID
	}
	if !slices.Equal(got, want) {
		t.Fatalf("articles stream holds %d articles, not the %d submitted in their order", len(got), len(want))
	}
	deadline := time.Now().Add(10 * time.Second)
	for streamMsgs(t, js, d.JobsStream()) != 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := streamMsgs(t, js, d.JobsStream()); n != 0 {
		t.Errorf("%d jobs left in the queue after all were published", n)
	}
}

// TestWorkerDiesMidJob cuts a worker's connection while it fetches a page,
// as a kill would: the job must go to another worker after AckWait, and
// its article be published once.
func TestWorkerDiesMidJob(t *testing.T) {
	d, js := queuetest.Deployment(t)
	var hits atomic.Int32
	first := make(chan struct{})
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			close(first)
			<-release // the first worker never gets an answer
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><head><title>Dam breaks</title></head><body><article><h1>Dam breaks upstream of Ravenna</h1>
			<p>A dam on the river Savio broke on Tuesday night, flooding three villages upstream of Ravenna, the regional government said.</p>
			<p>Rescuers evacuated about four hundred people by boat and helicopter before dawn, and no deaths were reported.</p></article></body></html>`))
	}))
	defer srv.Close()
	defer close(release)

	nc1, js1, err := queue.Connect(queuetest.URL(), "doomed worker")
	if err != nil {
		t.Fatal(err)
	}
	const ackWait = 2 * time.Second
	stop1 := startWorker(t, &queue.Worker{JS: js1, Deployment: d, AckWait: ackWait})
	if err := queue.Submit(t.Context(), js, d, []queue.Job{queue.URLJob(queue.KindPage, srv.URL+"/dam")}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-first:
	case <-time.After(30 * time.Second):
		t.Fatal("the page was never requested")
	}
	nc1.Close() // the worker is gone: no ack, no nak
	stop1()
	start := time.Now()
	startWorker(t, &queue.Worker{JS: js, Deployment: d, AckWait: ackWait})
	ids := streamIDs(t, js, d, 1)
	if len(ids) != 1 {
		t.Fatalf("articles stream holds %q, want the page's article once", ids)
	}
	t.Logf("job redone %v after the worker died", time.Since(start).Round(10*time.Millisecond))
	time.Sleep(ackWait + time.Second) // nothing more comes
	if got := streamIDs(t, js, d, 1); len(got) != 1 {
		t.Errorf("articles stream holds %q after another AckWait", got)
	}
}

// TestMalformedGoesToDeadLetters checks that a worker and the writer
// dead-letter what they cannot read, with the reason, and go on.
func TestMalformedGoesToDeadLetters(t *testing.T) {
	d, js := queuetest.Deployment(t)
	ctx := t.Context()
	for _, bad := range []string{`not json`, `{"v":9,"kind":"article","article":{"id":"x","text":"y"}}`} {
		if _, err := js.Publish(ctx, d.JobsSubject(), []byte(bad)); err != nil {
			t.Fatal(err)
		}
		if _, err := js.Publish(ctx, d.ArticlesSubject(), []byte(bad)); err != nil {
			t.Fatal(err)
		}
	}
	arts := generated(5, 9)
	if err := queue.SubmitArticles(ctx, js, d, arts); err != nil {
		t.Fatal(err)
	}
	startWorker(t, &queue.Worker{JS: js, Deployment: d})
	db := filepath.Join(t.TempDir(), "store.db")
	var placed atomic.Int64
	stop := startWriter(t, &queue.Writer{JS: js, Deployment: d, DSN: db, Config: pipeline.DefaultConfig(),
		Committed: func(pos int64, n int) { placed.Add(int64(n)) }})
	deadline := time.Now().Add(60 * time.Second)
	for placed.Load() < int64(len(arts)) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := placed.Load(); n != int64(len(arts)) {
		t.Fatalf("writer placed %d articles, want %d", n, len(arts))
	}
	dead, err := js.Stream(ctx, d.DeadStream())
	if err != nil {
		t.Fatal(err)
	}
	info, _ := dead.Info(ctx)
	if info.State.Msgs != 4 {
		t.Fatalf("%d dead letters, want 4 (two bad jobs, two bad articles)", info.State.Msgs)
	}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := dead.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		if m.Header.Get(queue.ReasonHeader) == "" || m.Header.Get(queue.StreamHeader) == "" {
			t.Errorf("dead letter %q lacks reason or origin: %v", m.Data, m.Header)
		}
	}
	s, err := queue.ReadStatus(ctx, js, d)
	if err != nil {
		t.Fatal(err)
	}
	if s.Dead.Messages != 4 || s.Jobs.Messages != 0 || s.Writer.Lag != 0 || s.Articles.Messages != uint64(len(arts)+2) {
		out, _ := json.Marshal(s)
		t.Errorf("status %s", out)
	}
}

// TestDistributedMatchesIngest runs workers and the writer over a stream
// and compares the store with what one ingest makes of the same articles.
func TestDistributedMatchesIngest(t *testing.T) {
	d, js := queuetest.Deployment(t)
	ctx := t.Context()
	arts := generated(200, 21)
	if err := queue.SubmitArticles(ctx, js, d, arts); err != nil {
		t.Fatal(err)
	}
	startWorker(t, &queue.Worker{JS: js, Deployment: d})
	dir := t.TempDir()
	db := filepath.Join(dir, "cluster.db")
	var placed atomic.Int64
	stop := startWriter(t, &queue.Writer{JS: js, Deployment: d, DSN: db, Config: pipeline.DefaultConfig(),
		Committed: func(pos int64, n int) { placed.Add(int64(n)) }})
	waitFor(t, func() bool { return placed.Load() >= int64(len(arts)) })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	straight := filepath.Join(dir, "ingest.db")
	ingestAll(t, straight, arts)
	if a, b := queuetest.Events(t, db), queuetest.Events(t, straight); !slices.Equal(a, b) {
		t.Errorf("the distributed run stored other events than ingest:\n%q\n%q", a, b)
	}
}

// TestStandbyWriterTakesOver starts two writers on one PostgreSQL store:
// the second waits for the lock, and goes on where the first stopped.
func TestStandbyWriterTakesOver(t *testing.T) {
	d, js := queuetest.Deployment(t)
	dsn := storetest.PostgresDSN(t)
	ctx := t.Context()
	arts := generated(300, 8)
	if err := queue.SubmitArticles(ctx, js, d, arts[:100]); err != nil {
		t.Fatal(err)
	}
	startWorker(t, &queue.Worker{JS: js, Deployment: d})
	var byFirst, bySecond atomic.Int64
	writer := func(placed *atomic.Int64) *queue.Writer {
		return &queue.Writer{JS: js, Deployment: d, DSN: dsn, Config: pipeline.DefaultConfig(), Batch: 50,
			Committed: func(pos int64, n int) { placed.Add(int64(n)) }}
	}
	stopFirst := startWriter(t, writer(&byFirst))
	waitFor(t, func() bool { return byFirst.Load() == 100 })
	startWriter(t, writer(&bySecond))
	time.Sleep(1500 * time.Millisecond)
	if n := bySecond.Load(); n != 0 {
		t.Fatalf("the standby placed %d articles while the first writer held the lock", n)
	}
	if err := stopFirst(); err != nil {
		t.Fatal(err)
	}
	if err := queue.SubmitArticles(ctx, js, d, arts[100:]); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return byFirst.Load()+bySecond.Load() >= int64(len(arts)) })
	if bySecond.Load() == 0 || byFirst.Load()+bySecond.Load() != int64(len(arts)) {
		t.Errorf("the writers placed %d + %d articles, want %d in all, some by each", byFirst.Load(), bySecond.Load(), len(arts))
	}
	straight := filepath.Join(t.TempDir(), "ingest.db")
	ingestAll(t, straight, arts)
	if a, b := queuetest.Events(t, dsn), queuetest.Events(t, straight); !slices.Equal(a, b) {
		t.Errorf("after a takeover the store holds other events than one ingest makes:\n%q\n%q", a, b)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ingestAll stores arts with one ingest, as the ingest command does.
func ingestAll(t *testing.T, dsn string, arts []article.Article) {
	t.Helper()
	ctx := t.Context()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	in, err := ingest.Open(ctx, st, pipeline.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.Add(ctx, arts); err != nil {
		t.Fatal(err)
	}
}

// onlyHost lets requests reach one host and fails the others at once.
type onlyHost string

func (h onlyHost) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != string(h) {
		return nil, errors.New("no network in tests")
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestWorkerReadsFeedsAndPages runs feed and page jobs against a local
// server: a feed gives an article per item, a missing page is a dead
// letter at once.
func TestWorkerReadsFeedsAndPages(t *testing.T) {
	d, js := queuetest.Deployment(t)
	feed, err := os.ReadFile("../article/testdata/feed.rss")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/feed.rss" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	}))
	defer srv.Close()
	want, problems := article.ParseFeed(srv.URL+"/feed.rss", feed)
	if len(want) == 0 {
		t.Fatalf("test feed: %v", problems)
	}
	jobs := []queue.Job{queue.URLJob(queue.KindFeed, srv.URL+"/feed.rss"), queue.URLJob(queue.KindPage, srv.URL+"/gone")}
	if err := queue.Submit(t.Context(), js, d, jobs); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	startWorker(t, &queue.Worker{JS: js, Deployment: d, HTTP: &http.Client{Transport: onlyHost(host)}})
	got := streamIDs(t, js, d, len(want))
	if len(got) != len(want) {
		t.Errorf("feed gave %d articles, want %d", len(got), len(want))
	}
	waitFor(t, func() bool { return streamMsgs(t, js, d.DeadStream()) == 1 })
	m, err := js.Stream(t.Context(), d.DeadStream())
	if err != nil {
		t.Fatal(err)
	}
	dead, err := m.GetMsg(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if reason := dead.Header.Get(queue.ReasonHeader); !strings.Contains(reason, "404") {
		t.Errorf("dead letter reason %q, want the 404", reason)
	}
}
