package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// testPosition checks that a stream position is committed with its batch,
// only from the stored position, and never backwards.
func testPosition(t *testing.T, s Store) {
	ctx := t.Context()
	position := func() int64 {
		t.Helper()
		pos, err := s.Position(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return pos
	}
	eq(t, "Position of a new store", position(), 0)
	commit(t, s, Batch{Articles: []Article{article("a1", "e1", "One")}, Position: 7})
	eq(t, "Position after a commit at 7", position(), 7)
	commit(t, s, Batch{Articles: []Article{article("a2", "e1", "Two")}})
	eq(t, "Position after a commit without one", position(), 7)
	commit(t, s, Batch{Position: 9, PositionFrom: 7})
	eq(t, "Position after an empty commit at 9", position(), 9)

	before := snapshot(t, s)
	// A writer that read position 7 and lost its lock meanwhile.
	err := s.Commit(ctx, Batch{Articles: []Article{article("a3", "e1", "Three")}, Position: 12, PositionFrom: 7})
	if !errors.Is(err, ErrConflict) {
		t.Errorf("Commit from a stale position: err = %v, want ErrConflict", err)
	}
	for _, b := range []Batch{{Position: 9, PositionFrom: 9}, {Position: 8, PositionFrom: 9}, {Position: -1}} {
		if err := s.Commit(ctx, b); !errors.Is(err, ErrInvalid) {
			t.Errorf("Commit(Position %d from %d): err = %v, want ErrInvalid", b.Position, b.PositionFrom, err)
		}
	}
	if after := snapshot(t, s); after != before {
		t.Errorf("refused commits changed the store:\nbefore %s\nafter  %s", before, after)
	}
	eq(t, "Position after refused commits", position(), 9)
}

func TestLockSQLite(t *testing.T) {
	testLock(t, filepath.Join(t.TempDir(), "store.db"))
}

func TestLockPostgres(t *testing.T) {
	testLock(t, postgresDSN(t))
}

// testLock checks that a lock is exclusive per name and free again after
// Release.
func testLock(t *testing.T, dsn string) {
	ctx := t.Context()
	name := "test-" + filepath.Base(t.TempDir())
	first, err := TryLock(ctx, dsn, name, NewHolder("test"))
	if err != nil {
		t.Fatal(err)
	}
	if l, err := TryLock(ctx, dsn, name, NewHolder("test")); !errors.Is(err, ErrLocked) {
		t.Errorf("second TryLock: err = %v, want ErrLocked", err)
		if l != nil {
			l.Release()
		}
	}
	got := make(chan error, 1)
	go func() {
		l, err := Lock(ctx, dsn, name, NewHolder("test"))
		if err == nil {
			err = l.Release()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("Lock returned (%v) while the lock was held", err)
	case <-time.After(1500 * time.Millisecond):
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-got:
		if err != nil {
			t.Errorf("waiting Lock: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("waiting Lock did not get the released lock")
	}
	select {
	case <-first.Lost():
		t.Error("a released lock reports itself lost")
	default:
	}
}
