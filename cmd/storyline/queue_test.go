package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"storyline/internal/article"
	"storyline/internal/queue"
	"storyline/internal/queue/queuetest"
	"storyline/internal/store"
	"storyline/internal/store/storetest"
	"storyline/internal/synth"
)

// child starts this binary as `storyline args...`, logging to a file of the
// test's, and kills it when the test ends.
func child(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd, _ := childWithLog(t, args...)
	return cmd
}

// stopChild ends a child as Ctrl-C would and waits for it.
func stopChild(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s: %v", strings.Join(cmd.Args[1:], " "), err)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("%s did not stop", strings.Join(cmd.Args[1:], " "))
	}
}

// killChild ends a child as kill -9 does.
func killChild(cmd *exec.Cmd) {
	cmd.Process.Kill()
	cmd.Wait()
}

func generated(n int, seed uint64) []article.Article {
	var arts []article.Article
	for a := range synth.Stream(synth.DefaultConfig(n, seed)) {
		arts = append(arts, a)
	}
	return arts
}

// position reads the stream position committed to the store at dsn.
func position(t *testing.T, dsn string) int64 {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pos, err := st.Position(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return pos
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// articlesAnalysed counts the messages of the deployment's articles stream.
func articlesAnalysed(t *testing.T, js jetstream.JetStream, d queue.Deployment) int {
	t.Helper()
	st, err := js.Stream(t.Context(), d.ArticlesStream())
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return int(info.State.Msgs)
}

// ingested stores arts with the ingest command, for comparison.
func ingested(t *testing.T, arts []article.Article) string {
	t.Helper()
	dir := t.TempDir()
	input := filepath.Join(dir, "input.jsonl")
	var b []byte
	for i := range arts {
		b = synth.AppendJSONL(b, &arts[i])
	}
	if err := os.WriteFile(input, b, 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "ingest.db")
	if out, err := execute(t, "ingest", "--quiet", "--db", db, input); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	return db
}

// placedOnce checks that the store holds each of arts exactly once, in a
// consistent state.
func placedOnce(t *testing.T, dsn string, arts []article.Article) {
	t.Helper()
	checkConsistent(t, dsn)
	ids := queuetest.PlacedIDs(t, dsn)
	want := make([]string, len(arts))
	for i, a := range arts {
		want[i] = a.ID
	}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("the store's events hold %d articles, want each of the %d submitted once", len(ids), len(want))
	}
}

// TestClusterMatchesIngest runs one worker and the writer as processes over
// a stream of articles submitted in order: the store must hold the events
// one ingest makes of them, in the same order. With two workers the order
// of arrival changes, but each article must still be placed once.
func TestClusterMatchesIngest(t *testing.T) {
	arts := generated(200, 31)
	want := queuetest.Events(t, ingested(t, arts))
	for _, workers := range []int{1, 2} {
		db := clustered(t, arts, workers)
		if got := queuetest.Events(t, db); workers == 1 && !slices.Equal(got, want) {
			t.Errorf("one worker: the cluster stored other events than ingest:\n%q\n%q", got, want)
		}
	}
}

// TestClusterMatchesIngestOnDevSet does the same with one worker over the
// AllSides development set: the distributed path gives the same events and
// storylines as one process.
func TestClusterMatchesIngestOnDevSet(t *testing.T) {
	const path = "../../../shared/datasets/allsides-dev.jsonl"
	if _, err := os.Stat(path); err != nil {
		t.Skip("no ../shared/datasets beside the repo")
	}
	arts := readArticles([]string{path})
	want := queuetest.Events(t, ingested(t, arts))
	if got := queuetest.Events(t, clustered(t, arts, 1)); !slices.Equal(got, want) {
		t.Errorf("the cluster stored %d events, ingest %d, and they differ", len(got), len(want))
	}
}

// clustered submits arts in order to a fresh deployment served by workers
// and a writer, all separate processes, and returns the writer's store once
// every article is placed exactly once.
func clustered(t *testing.T, arts []article.Article, workers int) string {
	t.Helper()
	d, js := queuetest.Deployment(t)
	db := filepath.Join(t.TempDir(), "cluster.db")
	flags := []string{"--nats", queuetest.URL(), "--deployment", d.Name()}
	if out, err := execute(t, append([]string{"submit", "testdata/none.jsonl"}, flags...)...); err == nil {
		t.Errorf("submit of nothing succeeded: %s", out)
	}
	if err := queue.SubmitArticles(t.Context(), js, d, arts); err != nil {
		t.Fatal(err)
	}
	for range workers {
		child(t, append([]string{"worker"}, flags...)...)
	}
	writer := child(t, append([]string{"cluster", "--db", db}, flags...)...)
	waitUntil(t, "all articles are placed", func() bool { return position(t, db) == int64(len(arts)) })
	stopChild(t, writer)
	placedOnce(t, db, arts)
	out, err := execute(t, append([]string{"status"}, flags...)...)
	placed := fmt.Sprintf("%d analysed, %d placed; writer lag 0", len(arts), len(arts))
	if err != nil || !strings.Contains(out, placed) || !strings.Contains(out, "0 dead letters") {
		t.Errorf("status: %v\n%s", err, out)
	}
	return db
}

// TestSubmitFiles submits a directory of mixed inputs through the command.
func TestSubmitFiles(t *testing.T) {
	d, js := queuetest.Deployment(t)
	out, err := execute(t, "submit", "--nats", queuetest.URL(), "--deployment", d.Name(), "testdata/story.jsonl", "https://example.com/news/rss")
	if err != nil {
		t.Fatal(err)
	}
	arts := readArticles([]string{"testdata/story.jsonl"})
	if !strings.Contains(out, "jobs queued") {
		t.Errorf("submit said %q", out)
	}
	st, err := js.Stream(t.Context(), d.JobsStream())
	if err != nil {
		t.Fatal(err)
	}
	info, _ := st.Info(t.Context())
	if int(info.State.Msgs) != len(arts)+1 {
		t.Fatalf("%d jobs queued, want %d", info.State.Msgs, len(arts)+1)
	}
	m, err := st.GetMsg(t.Context(), info.State.LastSeq)
	if err != nil {
		t.Fatal(err)
	}
	if j, err := queue.DecodeJob(m.Data); err != nil || j.Kind != queue.KindFeed {
		t.Errorf("last job %+v, %v; want a feed job", j, err)
	}
}

// TestWriterKilledResumes kills the writer process (kill -9) while it works
// through a backlog, checks the store, restarts it, and checks that every
// article is placed exactly once, as one ingest places them.
func TestWriterKilledResumes(t *testing.T) {
	d, js := queuetest.Deployment(t)
	dsn := storetest.PostgresDSN(t)
	arts := generated(1500, 13)
	flags := []string{"--nats", queuetest.URL(), "--deployment", d.Name()}
	if err := queue.SubmitArticles(t.Context(), js, d, arts); err != nil {
		t.Fatal(err)
	}
	worker := child(t, append([]string{"worker"}, flags...)...)
	waitUntil(t, "all articles are analysed", func() bool { return articlesAnalysed(t, js, d) == len(arts) })
	stopChild(t, worker)

	cluster := append([]string{"cluster", "--db", dsn, "--batch", "100"}, flags...)
	writer := child(t, cluster...)
	waitUntil(t, "a first batch is committed", func() bool { return position(t, dsn) > 0 })
	killChild(writer)
	pos := position(t, dsn)
	if pos == int64(len(arts)) {
		t.Fatal("the writer finished before it was killed")
	}
	checkConsistent(t, dsn)
	st, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	stats, _ := st.Stats(t.Context())
	st.Close()
	if int64(stats.Articles) != pos {
		t.Errorf("killed at position %d, the store holds %d articles", pos, stats.Articles)
	}
	t.Logf("killed the writer at position %d of %d", pos, len(arts))

	writer = child(t, cluster...)
	waitUntil(t, "all articles are placed", func() bool { return position(t, dsn) == int64(len(arts)) })
	stopChild(t, writer)
	placedOnce(t, dsn, arts)
	if a, b := queuetest.Events(t, dsn), queuetest.Events(t, ingested(t, arts)); !slices.Equal(a, b) {
		t.Errorf("killed and resumed writer stored other events than one ingest (%d vs %d events)", len(a), len(b))
	}
}

// TestStandbyTakesOverFromKilledWriter starts two writer processes on one
// PostgreSQL store and kills the active one: the standby goes on.
func TestStandbyTakesOverFromKilledWriter(t *testing.T) {
	d, js := queuetest.Deployment(t)
	dsn := storetest.PostgresDSN(t)
	arts := generated(600, 17)
	flags := []string{"--nats", queuetest.URL(), "--deployment", d.Name()}
	cluster := append([]string{"cluster", "--db", dsn, "--batch", "50"}, flags...)
	child(t, append([]string{"worker"}, flags...)...)
	first := child(t, cluster...)
	if err := queue.SubmitArticles(t.Context(), js, d, arts[:300]); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the first writer commits", func() bool { return position(t, dsn) > 0 })
	second := child(t, cluster...)
	time.Sleep(2 * time.Second) // the standby is up and waiting
	killChild(first)
	if err := queue.SubmitArticles(t.Context(), js, d, arts[300:]); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the standby places the rest", func() bool { return position(t, dsn) == int64(len(arts)) })
	stopChild(t, second)
	placedOnce(t, dsn, arts)
	if a, b := queuetest.Events(t, dsn), queuetest.Events(t, ingested(t, arts)); !slices.Equal(a, b) {
		t.Errorf("after the takeover the store holds other events than one ingest (%d vs %d events)", len(a), len(b))
	}
}

// TestWorkerKilledMidJob kills a worker process (kill -9) while it fetches
// a page: the job goes to another worker after the ack wait, and the
// article is placed once.
func TestWorkerKilledMidJob(t *testing.T) {
	d, js := queuetest.Deployment(t)
	var hits atomic.Int32
	first := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			close(first)
			<-r.Context().Done() // no answer before the worker dies
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><head><title>Dam breaks</title></head><body><article><h1>Dam breaks upstream of Ravenna</h1>
			<p>A dam on the river Savio broke on Tuesday night, flooding three villages upstream of Ravenna, the regional government said.</p>
			<p>Rescuers evacuated about four hundred people by boat and helicopter before dawn, and no deaths were reported.</p></article></body></html>`))
	}))
	defer srv.Close()
	flags := []string{"--nats", queuetest.URL(), "--deployment", d.Name()}
	doomed := child(t, append([]string{"worker", "--ack-wait", "2s"}, flags...)...)
	if out, err := execute(t, append([]string{"submit", srv.URL + "/2024/dam-breaks"}, flags...)...); err != nil {
		t.Fatalf("submit: %v\n%s", err, out)
	}
	select {
	case <-first:
	case <-time.After(30 * time.Second):
		t.Fatal("the page was never requested")
	}
	killChild(doomed)
	child(t, append([]string{"worker", "--ack-wait", "2s"}, flags...)...)
	db := filepath.Join(t.TempDir(), "cluster.db")
	writer := child(t, append([]string{"cluster", "--db", db}, flags...)...)
	waitUntil(t, "the page's article is placed", func() bool { return position(t, db) == 1 })
	time.Sleep(3 * time.Second) // another ack wait: nothing more comes
	stopChild(t, writer)
	if n := articlesAnalysed(t, js, d); n != 1 || hits.Load() != 2 {
		t.Errorf("%d articles analysed after %d requests, want 1 after 2", n, hits.Load())
	}
	st, err := store.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if s, _ := st.Stats(t.Context()); s.Articles != 1 || position(t, db) != 1 {
		t.Errorf("store holds %d articles at position %d, want 1 at 1", s.Articles, position(t, db))
	}
}
