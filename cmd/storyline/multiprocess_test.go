package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"storyline/internal/eval"
	"storyline/internal/queue/queuetest"
	"storyline/internal/report"
	"storyline/internal/store"
	"storyline/internal/store/storetest"
)

// devDataset is the development dataset, relative to this package.
const devDataset = "../../../shared/datasets/allsides-dev.jsonl"

// TestManyProcesses runs a deployment as separate processes: one writer,
// three workers, a submit, and two readers on the writer's PostgreSQL store.
// Both readers must serve the same storylines, every article of the dataset
// must be placed exactly once, and the partition must agree closely with a
// single-process ingest of the same file.
func TestManyProcesses(t *testing.T) {
	input, err := filepath.Abs(devDataset)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(input); err != nil {
		t.Skipf("development dataset not found (%v): many processes not tested", err)
	}
	d, _ := queuetest.Deployment(t)
	dsn := storetest.PostgresDSN(t)
	natsURL := queuetest.URL()
	dir := t.TempDir()

	wantIDs := datasetIDs(t, input)

	// The single-process reference runs alongside the deployment.
	sqlite := filepath.Join(dir, "single.db")
	single, singleLog := childWithLog(t, "ingest", "--quiet", "--db", sqlite, input)

	childWithLog(t, "cluster", "--nats", natsURL, "--deployment", d.Name(), "--db", dsn)
	for range 3 {
		childWithLog(t, "worker", "--nats", natsURL, "--deployment", d.Name())
	}
	submit := exec.Command(os.Args[0], "submit", "--nats", natsURL, "--deployment", d.Name(), input)
	submit.Env = append(os.Environ(), "STORYLINE_RUN_MAIN=1")
	if out, err := submit.CombinedOutput(); err != nil {
		t.Fatalf("submit: %v\n%s", err, out)
	}

	ctx := context.Background()
	stored := func(db string) int {
		st, err := store.Open(ctx, db)
		if err != nil {
			return -1
		}
		defer st.Close()
		s, err := st.Stats(ctx)
		if err != nil {
			return -1
		}
		return s.Articles
	}
	deadline := time.Now().Add(90 * time.Second)
	for n := stored(dsn); n < len(wantIDs); n = stored(dsn) {
		if time.Now().After(deadline) {
			t.Fatalf("the writer's store holds %d of %d articles at the deadline", n, len(wantIDs))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := stored(dsn); n != len(wantIDs) {
		t.Fatalf("the writer's store holds %d articles, want %d", n, len(wantIDs))
	}
	checkConsistent(t, dsn)

	// Two readers on the same store must answer the same.
	var bases []string
	for range 2 {
		_, log := childWithLog(t, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
		bases = append(bases, servedURL(t, log))
	}
	var first map[string][]byte
	for i, base := range bases {
		got := fetchStorylines(t, base)
		if i == 0 {
			first = got
			continue
		}
		if len(got) != len(first) {
			t.Fatalf("reader %d serves %d documents, reader 0 serves %d", i, len(got), len(first))
		}
		for path, body := range first {
			if !bytes.Equal(got[path], body) {
				t.Errorf("readers differ on %s", path)
			}
		}
	}

	// Every article of the file is placed exactly once, by the API's
	// account and by the store's.
	var served []string
	for path, body := range first {
		if path == "/api/storylines" {
			continue
		}
		var sl report.Storyline
		if err := json.Unmarshal(body, &sl); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, e := range sl.Events {
			for _, a := range e.Articles {
				served = append(served, a.ID)
			}
		}
	}
	checkPlacedOnce(t, "the readers", served, wantIDs)
	labels := eventLabels(t, dsn)
	var placed []string
	for id := range labels {
		placed = append(placed, id)
	}
	checkPlacedOnce(t, "the store", placed, wantIDs)

	// The single-process ingest: same articles, nearly the same partition.
	done := make(chan error, 1)
	go func() { done <- single.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			out, _ := os.ReadFile(singleLog)
			t.Fatalf("single-process ingest: %v\n%s", err, out)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the single-process ingest did not finish")
	}
	ref := eventLabels(t, sqlite)
	if len(ref) != len(labels) {
		t.Fatalf("single-process ingest placed %d articles, the deployment %d", len(ref), len(labels))
	}
	var gold, pred []string
	for _, id := range wantIDs {
		g, ok := ref[id]
		if !ok {
			t.Fatalf("single-process ingest did not place %s", id)
		}
		gold, pred = append(gold, g), append(pred, labels[id])
	}
	scores, err := eval.Compare(gold, pred)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("deployment vs single process: %d articles, %d vs %d events, pairwise F1 %.3f",
		scores.Articles, scores.GoldClusters, scores.PredClusters, scores.Pairwise.F1)
	if scores.Pairwise.F1 < 0.9 {
		t.Errorf("pairwise F1 of the deployment against a single-process ingest is %.3f, want ≥ 0.9", scores.Pairwise.F1)
	}
}

// childWithLog starts this binary as `storyline args...`, logging to a file it
// returns, and kills it when the test ends.
func childWithLog(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "STORYLINE_RUN_MAIN=1")
	log, err := os.CreateTemp(t.TempDir(), args[0]+"-*.log")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		log.Close()
		if t.Failed() {
			out, _ := os.ReadFile(log.Name())
			t.Logf("%s:\n%s", strings.Join(args, " "), out)
		}
	})
	return cmd, log.Name()
}

var servingURL = regexp.MustCompile(`msg=serving url=(http://[^ ]+?)/? `)

// servedURL waits for a serve child to log the address it listens on.
func servedURL(t *testing.T, log string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := os.ReadFile(log)
		if m := servingURL.FindSubmatch(out); m != nil {
			return string(m[1])
		}
		time.Sleep(20 * time.Millisecond)
	}
	out, _ := os.ReadFile(log)
	t.Fatalf("serve did not report its address:\n%s", out)
	return ""
}

// fetchStorylines gets /api/storylines, all pages, and each storyline,
// keyed by path.
func fetchStorylines(t *testing.T, base string) map[string][]byte {
	t.Helper()
	get := func(path string) []byte {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s%s: %s\n%s", base, path, resp.Status, body)
		}
		return body
	}
	docs := map[string][]byte{}
	var all []store.StorylineSummary
	var list []byte
	for offset := 0; ; offset += store.MaxLimit {
		body := get(fmt.Sprintf("/api/storylines?limit=%d&offset=%d", store.MaxLimit, offset))
		var page struct {
			Storylines []store.StorylineSummary `json:"storylines"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatalf("/api/storylines: %v", err)
		}
		list = append(list, body...)
		all = append(all, page.Storylines...)
		if len(page.Storylines) < store.MaxLimit {
			break
		}
	}
	if len(all) == 0 {
		t.Fatalf("%s serves no storylines", base)
	}
	docs["/api/storylines"] = list
	for _, s := range all {
		path := "/api/storylines/" + url.PathEscape(s.ID)
		docs[path] = get(path)
	}
	return docs
}

// datasetIDs reads the article ids of a JSONL file, in file order.
func datasetIDs(t *testing.T, path string) []string {
	t.Helper()
	var ids []string
	for _, a := range readArticles([]string{path}) {
		ids = append(ids, a.ID)
	}
	if len(ids) == 0 {
		t.Fatalf("no articles in %s", path)
	}
	return ids
}

// checkPlacedOnce checks that got holds each of want exactly once.
func checkPlacedOnce(t *testing.T, who string, got, want []string) {
	t.Helper()
	count := map[string]int{}
	for _, id := range got {
		count[id]++
	}
	for _, id := range want {
		if count[id] != 1 {
			t.Errorf("%s place article %s %d times, want once", who, id, count[id])
		}
		delete(count, id)
	}
	extra := slices.Sorted(func(yield func(string) bool) {
		for id := range count {
			if !yield(id) {
				return
			}
		}
	})
	if len(extra) > 0 {
		t.Errorf("%s place %d articles not in the file: %v", who, len(extra), extra)
	}
}

// eventLabels maps each article of the store at dsn to its event.
func eventLabels(t *testing.T, dsn string) map[string]string {
	t.Helper()
	labels := map[string]string{}
	for _, e := range queuetest.StoredEvents(t, dsn) {
		for _, a := range e.Articles {
			if prev, ok := labels[a.ID]; ok {
				t.Errorf("%s: article %s in events %s and %s", dsn, a.ID, prev, e.ID)
			}
			labels[a.ID] = e.ID
		}
	}
	return labels
}
