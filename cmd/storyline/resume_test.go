package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"storyline/internal/queue/queuetest"
	"storyline/internal/store"
	"storyline/internal/synth"
)

// TestMain lets a test run this binary as the storyline command, in a child
// process it can kill.
func TestMain(m *testing.M) {
	if os.Getenv("STORYLINE_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestIngestKilledMidwayResumes kills an ingest after its first committed
// batch, checks that the store is consistent, reruns it, and checks that the
// result is what one uninterrupted ingest gives. The child pauses after
// that batch (see testPause) until it is killed: the store then holds
// exactly one batch, however fast or slow the machine.
func TestIngestKilledMidwayResumes(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "stream.jsonl")
	f, err := os.Create(input)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteJSONL(f, synth.DefaultConfig(3*ingestBatch, 11)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ingest := func(db string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "ingest", "--quiet", "--db", db, input)
		cmd.Env = append(os.Environ(), "STORYLINE_RUN_MAIN=1")
		return cmd
	}
	ctx := context.Background()
	count := func(db string) int {
		st, err := store.Open(ctx, db)
		if err != nil {
			return 0
		}
		defer st.Close()
		s, _ := st.Stats(ctx)
		return s.Articles
	}

	killed := filepath.Join(dir, "killed.db")
	first := startChild(t, "batch", "ingest", "--quiet", "--db", killed, input)
	first.waitPaused(t)
	first.cmd.Process.Kill()
	first.wait(t)
	if stored := count(killed); stored != ingestBatch {
		t.Fatalf("after the kill the store holds %d articles; want the first batch, %d", stored, ingestBatch)
	}
	checkConsistent(t, killed)

	if out, err := ingest(killed).CombinedOutput(); err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	straight := filepath.Join(dir, "straight.db")
	if out, err := ingest(straight).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	if n := count(killed); n != 3*ingestBatch {
		t.Fatalf("after the rerun the store holds %d articles, want %d", n, 3*ingestBatch)
	}
	checkConsistent(t, killed)
	if a, b := queuetest.Events(t, killed), queuetest.Events(t, straight); !slices.Equal(a, b) {
		t.Errorf("killed and resumed ingest differs from an uninterrupted one (%d vs %d events)", len(a), len(b))
	}
}

// checkConsistent checks that every stored event's storyline exists and
// every article's event lists it.
func checkConsistent(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	events, err := st.Events(ctx, store.EventQuery{Page: store.Page{Limit: store.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range events {
		if _, err := st.Storyline(ctx, e.Storyline); err != nil {
			t.Errorf("event %s: storyline %q: %v", e.ID, e.Storyline, err)
		}
		seen += len(e.Articles)
	}
	stats, _ := st.Stats(ctx)
	if stats.Events <= store.MaxLimit && seen != stats.Articles {
		t.Errorf("events list %d articles, the store holds %d", seen, stats.Articles)
	}
}
