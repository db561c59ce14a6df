package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWriterLeaseNamesHolder checks, on both backends, that a process
// refused the writer lease learns who holds it, that the refusal leaves
// the store as it was, and that the lease is free again after Release.
func TestWriterLeaseNamesHolder(t *testing.T) {
	backends := []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "store.db") }},
		{"postgres", postgresDSN},
	}
	holder := Holder{Command: "serve", PID: 4242, Host: "web1", Since: time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC)}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			dsn := b.dsn(t)
			first, err := TryLock(ctx, dsn, WriterLease, holder)
			if err != nil {
				t.Fatal(err)
			}
			_, err = TryLock(ctx, dsn, WriterLease, NewHolder("ingest"))
			var locked *LockedError
			if !errors.As(err, &locked) || !errors.Is(err, ErrLocked) {
				t.Fatalf("second TryLock: err = %v, want a *LockedError matching ErrLocked", err)
			}
			if locked.Holder != holder {
				t.Errorf("refused TryLock names holder %+v, want %+v", locked.Holder, holder)
			}
			want := `store is being written by "serve" (pid 4242 on web1) since 2026-12-02T18:00:00Z`
			if err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
			if !strings.Contains(dsn, "://") {
				// The refused process must not create the store.
				if _, err := os.Stat(dsn); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("after the lock calls, stat %s: %v; want no store file", dsn, err)
				}
			}
			if err := first.Release(); err != nil {
				t.Fatal(err)
			}
			again, err := TryLock(ctx, dsn, WriterLease, NewHolder("ingest"))
			if err != nil {
				t.Fatalf("TryLock after Release: %v", err)
			}
			again.Release()
		})
	}
}

// TestLeasePerSchema checks that stores in two schemas of one PostgreSQL
// database have leases of their own.
func TestLeasePerSchema(t *testing.T) {
	ctx := t.Context()
	a, b := postgresDSN(t), postgresDSN(t)
	la, err := TryLock(ctx, a, WriterLease, NewHolder("test"))
	if err != nil {
		t.Fatal(err)
	}
	defer la.Release()
	lb, err := TryLock(ctx, b, WriterLease, NewHolder("test"))
	if err != nil {
		t.Fatalf("the lease of another schema: %v", err)
	}
	lb.Release()
}

// TestAppName checks that a holder survives the trip through the 63 bytes
// of a PostgreSQL application_name, losing at most the end of its host.
func TestAppName(t *testing.T) {
	since := time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   Holder
		want Holder
	}{
		{"short", Holder{"serve", 1234, "web1", since}, Holder{"serve", 1234, "web1", since}},
		{"no host", Holder{"ingest", 7, "", since}, Holder{"ingest", 7, "", since}},
		{"space in command", Holder{"a b", 7, "h", since}, Holder{"a_b", 7, "h", since}},
		{"long host cut", Holder{"cluster", 4194304, strings.Repeat("h", 40) + ".example.com", since},
			Holder{"cluster", 4194304, strings.Repeat("h", 63-len("storyline cluster 4194304 2026-12-02T18:00:00Z ")), since}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := appName(tt.in)
			if len(s) > maxAppName {
				t.Errorf("appName is %d bytes: %q", len(s), s)
			}
			if got := parseAppName(s); got != tt.want {
				t.Errorf("parseAppName(%q) = %+v, want %+v", s, got, tt.want)
			}
		})
	}
	if got := parseAppName("psql"); got != (Holder{}) {
		t.Errorf("parseAppName(psql) = %+v, want the zero Holder", got)
	}
}
