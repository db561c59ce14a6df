package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"

	"storyline/internal/pipeline"
	"storyline/internal/queue"
	"storyline/internal/queue/queuetest"
	"storyline/internal/store"
)

// scrape GETs /metrics and returns its lines.
func scrape(t *testing.T, srv *httptest.Server) []string {
	t.Helper()
	resp, body := do(t, http.MethodGet, srv.URL+"/metrics")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", resp.StatusCode, body)
	}
	return strings.Split(string(body), "\n")
}

// missing returns the wanted lines (whole samples, "name{labels} value")
// that the metrics lack.
func missing(lines []string, want ...string) []string {
	var out []string
	for _, w := range want {
		if !slices.Contains(lines, w) {
			out = append(out, w)
		}
	}
	return out
}

func TestMetricsAndStatusWithoutQueue(t *testing.T) {
	srv, _ := loaded(t)
	var st articleStatus
	getJSON(t, srv.URL+"/api/articles/g7-a/status", http.StatusOK, &st)
	if st.Status != "placed" || st.Event == "" || st.Storyline == "" {
		t.Errorf("status of g7-a: %+v, want placed with event and storyline", st)
	}
	var e errorBody
	getJSON(t, srv.URL+"/api/tracking/nope", http.StatusNotFound, &e)

	lines := scrape(t, srv)
	if m := missing(lines,
		`storyline_store_articles 8`,
		`storyline_http_requests_total{code="200",method="POST",route="/api/articles"} 1`,
		`storyline_http_requests_total{code="200",method="GET",route="/api/articles/{id}/status"} 1`,
		`storyline_http_requests_total{code="404",method="GET",route="/api/tracking/{id}"} 1`,
		`storyline_http_request_duration_seconds_count{code="200",method="POST",route="/api/articles"} 1`,
	); len(m) > 0 {
		t.Errorf("metrics lack %q", m)
	}
	for _, name := range []string{"storyline_store_events ", "storyline_store_storylines ", "go_goroutines "} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, name) }) {
			t.Errorf("metrics lack %s", name)
		}
	}
	if slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "storyline_queue_") }) {
		t.Error("queue metrics without a queue")
	}
}

// TestQueuedArticles posts articles to a server with a queue, and follows
// them while a worker and a writer place them.
func TestQueuedArticles(t *testing.T) {
	d, js := queuetest.Deployment(t)
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "s.db")
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	client := queue.Client{JS: js, Deployment: d}
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	srv := httptest.NewServer(New(st, nil, Options{
		Logger: quiet, Queue: client, Collectors: []prometheus.Collector{queue.Collector{Client: client}},
	}))
	t.Cleanup(srv.Close)

	// A rejected request queues nothing.
	if status, body := post(t, srv.URL+"/api/articles", "application/json", []byte(`[{"id":"ok","text":"fine"},{"id":"no-text"}]`)); status != http.StatusBadRequest {
		t.Fatalf("invalid POST: %d %s", status, body)
	}
	if s, err := queue.ReadStatus(ctx, js, d); err != nil || s.Jobs.Messages != 0 {
		t.Fatalf("after a rejected request: %d jobs (%v), want none", s.Jobs.Messages, err)
	}

	status, body := post(t, srv.URL+"/api/articles", "application/json", fixture(t))
	if status != http.StatusAccepted {
		t.Fatalf("POST: %d %s", status, body)
	}
	var got struct {
		Queued []queued `json:"queued"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	ids := []string{"g7-a", "flood-a", "g7-b", "g7-copy", "flood-b", "zelenskyy-g7", "aid-tokyo", "zelenskyy-video"}
	if len(got.Queued) != len(ids) {
		t.Fatalf("queued %+v, want %d", got.Queued, len(ids))
	}
	for i, q := range got.Queued {
		if q.Article != ids[i] || q.Tracking != ids[i] {
			t.Errorf("queued[%d] = %+v, want article and tracking %s", i, q, ids[i])
		}
	}
	var as articleStatus
	getJSON(t, srv.URL+"/api/articles/g7-a/status", http.StatusOK, &as)
	if as.Status != "queued" {
		t.Errorf("status before any worker: %+v, want queued", as)
	}
	if m := missing(scrape(t, srv), "storyline_queue_up 1", "storyline_queue_jobs 8", "storyline_queue_dead_letters 0"); len(m) > 0 {
		t.Errorf("metrics lack %q", m)
	}

	// A dead letter for an article: its status is rejected, with the reason.
	dead := nats.NewMsg(d.DeadSubject())
	dead.Data = []byte(`{"v":1,"kind":"article","article":{"id":"ghost"}}`)
	dead.Header.Set(queue.ReasonHeader, "no good")
	if _, err := js.PublishMsg(ctx, dead); err != nil {
		t.Fatal(err)
	}
	getJSON(t, srv.URL+"/api/tracking/ghost", http.StatusOK, &as)
	if as.Status != "rejected" || as.Reason != "no good" {
		t.Errorf("status of a dead-lettered article: %+v, want rejected: no good", as)
	}

	// A worker and a writer place the articles.
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := (&queue.Worker{JS: js, Deployment: d, Log: quiet}).Run(runCtx); err != nil {
			t.Error(err)
		}
	})
	wg.Go(func() {
		w := &queue.Writer{JS: js, Deployment: d, DSN: dsn, Config: pipeline.DefaultConfig(), Log: quiet}
		if err := w.Run(runCtx); err != nil {
			t.Error(err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })

	deadline := time.Now().Add(60 * time.Second)
	for _, id := range ids {
		for {
			getJSON(t, srv.URL+"/api/articles/"+id+"/status", http.StatusOK, &as)
			if as.Status == "placed" {
				break
			}
			if as.Status != "queued" || time.Now().After(deadline) {
				t.Fatalf("status of %s: %+v, want queued then placed", id, as)
			}
			time.Sleep(50 * time.Millisecond)
		}
		a, err := st.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if as.Event == "" || as.Storyline != a.Storyline || (a.Event != "" && as.Event != a.Event) {
			t.Errorf("status of %s: %+v, want event %q (or its original's) and storyline %q", id, as, a.Event, a.Storyline)
		}
	}

	want := []string{
		"storyline_store_articles 8",
		"storyline_queue_jobs 0",
		"storyline_queue_articles_analysed 8",
		"storyline_queue_writer_position 8",
		"storyline_queue_writer_lag 0",
		"storyline_queue_dead_letters 1",
		`storyline_http_requests_total{code="202",method="POST",route="/api/articles"} 1`,
		`storyline_http_requests_total{code="400",method="POST",route="/api/articles"} 1`,
	}
	for {
		// The writer acknowledges after it commits: the lag may trail.
		m := missing(scrape(t, srv), want...)
		if len(m) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("metrics lack %q", m)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
