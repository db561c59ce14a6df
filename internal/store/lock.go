package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"
)

// ErrLocked is returned, wrapped, by TryLock when another process holds the
// lock.
var ErrLocked = errors.New("store: locked by another process")

// A Lease is a named, exclusive lock on a store, held until Release or until
// the process holding it dies: the way to make sure that one process at a
// time writes a store that several could (the queue's writer and its
// standbys).
//
// In PostgreSQL it is a session-level advisory lock on a connection kept
// for the purpose, so the server frees it when that connection ends, also
// when the process is killed. For a SQLite file it is an flock(2) on a file
// beside it ("store.db.lock"), which the kernel frees likewise.
type Lease struct {
	release func() error
	lost    chan struct{}
	once    sync.Once
	stop    chan struct{}
	done    chan struct{}
}

// lockPoll is how often Lock retries a lock held by someone else, and how
// often a held PostgreSQL lock checks its connection.
const lockPoll = time.Second

// Lock takes the lock named name on the store named by dsn, waiting for it
// as long as ctx allows.
func Lock(ctx context.Context, dsn, name string) (*Lease, error) {
	for {
		l, err := TryLock(ctx, dsn, name)
		if !errors.Is(err, ErrLocked) {
			return l, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("store: waiting for lock %q: %w", name, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}

// TryLock takes the lock named name on the store named by dsn if it is
// free, and fails with ErrLocked if it is not.
func TryLock(ctx context.Context, dsn, name string) (*Lease, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return tryAdvisoryLock(ctx, dsn, name)
	}
	if dsn == "" {
		return nil, fmt.Errorf("store: lock: empty dsn: %w", ErrInvalid)
	}
	path, _, _ := strings.Cut(dsn, "?")
	release, err := flockFile(path + ".lock")
	if err != nil {
		return nil, fmt.Errorf("store: lock %q: %w", name, err)
	}
	// The kernel holds a file lock for as long as the process lives.
	return &Lease{release: release, lost: make(chan struct{})}, nil
}

// lockKey maps a lock name to an advisory lock key. The names are few, so a
// 64-bit hash does not collide in practice.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("storyline lock:" + name))
	return int64(h.Sum64())
}

func tryAdvisoryLock(ctx context.Context, dsn, name string) (*Lease, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: lock %q: %w", name, err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: lock %q: %w", name, err)
	}
	key := lockKey(name)
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil || !ok {
		conn.Close()
		db.Close()
		if err == nil {
			err = ErrLocked
		}
		return nil, fmt.Errorf("store: lock %q: %w", name, err)
	}
	l := &Lease{lost: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	l.release = func() error {
		close(l.stop)
		<-l.done
		// Closing the session frees the lock; unlocking first frees it
		// even if the pool were to keep the connection.
		_, err := conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, key)
		return errors.Join(err, conn.Close(), db.Close())
	}
	go l.watch(conn)
	return l, nil
}

// watch checks the lock's connection until Release: when it fails, the
// server has freed the lock (or soon will), and the holder must stop.
func (l *Lease) watch(conn *sql.Conn) {
	defer close(l.done)
	t := time.NewTicker(lockPoll)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*lockPoll)
		_, err := conn.ExecContext(ctx, `SELECT 1`)
		cancel()
		if err != nil {
			close(l.lost)
			return
		}
	}
}

// Lost is closed when the lock may have been lost (its database connection
// failed); the holder must then stop writing.
func (l *Lease) Lost() <-chan struct{} { return l.lost }

// Release frees the lock.
func (l *Lease) Release() error {
	var err error
	l.once.Do(func() { err = l.release() })
	return err
}
