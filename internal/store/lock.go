package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrLocked is returned, wrapped, by TryLock when another process holds the
// lock (as a *LockedError, which names the holder when it can).
var ErrLocked = errors.New("store: locked by another process")

// WriterLease is the name of the lease held by every process that places
// articles into a store: ingest, watch, serve when it accepts articles,
// and the queue's writer (storyline cluster). Each of them keeps its own
// placement state, rebuilt from the store when it starts; two of them
// committing to one store would each place against a state the other has
// made stale, and corrupt the events. One name for all makes them exclude
// each other.
const WriterLease = "writer"

// A Holder says which process holds a lease, so that a process refused the
// lease can name it: "serve" (pid 1234 on web1) since 18:00.
type Holder struct {
	Command string    `json:"command"`
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Since   time.Time `json:"since"`
}

// NewHolder describes this process, running command, as of now.
func NewHolder(command string) Holder {
	host, _ := os.Hostname()
	return Holder{Command: command, PID: os.Getpid(), Host: host, Since: time.Now().UTC().Truncate(time.Second)}
}

// String reads `"serve" (pid 1234 on web1) since 2026-12-02T18:00:00Z`, or
// "another process" when nothing is known.
func (h Holder) String() string {
	if h.Command == "" && h.PID == 0 {
		return "another process"
	}
	s := strconv.Quote(h.Command)
	switch {
	case h.PID != 0 && h.Host != "":
		s += fmt.Sprintf(" (pid %d on %s)", h.PID, h.Host)
	case h.PID != 0:
		s += fmt.Sprintf(" (pid %d)", h.PID)
	}
	if !h.Since.IsZero() {
		s += " since " + h.Since.UTC().Format(time.RFC3339)
	}
	return s
}

// A LockedError is the error of TryLock when another process holds the
// lease. It matches ErrLocked under errors.Is.
type LockedError struct {
	Name string
	// Holder is the process holding the lease; its zero value when the
	// holder could not be told (it had only just taken the lease, or
	// left no description).
	Holder Holder
}

func (e *LockedError) Error() string {
	if e.Name == WriterLease {
		return "store is being written by " + e.Holder.String()
	}
	return fmt.Sprintf("store: lease %q is held by %s", e.Name, e.Holder)
}

// Is makes a LockedError match ErrLocked.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// A Lease is a named, exclusive lock on a store, held until Release or until
// the process holding it dies: the way to make sure that one process at a
// time writes a store that several could (see WriterLease).
//
// In PostgreSQL it is a session-level advisory lock on a connection kept
// for the purpose, so the server frees it when that connection ends, also
// when the process is killed. Its key is a hash of the name and of the
// schema the DSN selects, so that stores in different schemas of one
// database do not exclude each other. The holder describes itself in the
// application_name of that connection (see appName), where pg_stat_activity
// shows it and a refused process reads it through pg_locks.
//
// For a SQLite file it is an flock(2) on a file beside it
// ("store.db.lock"), which the kernel frees likewise; the holder writes
// its description into that file, as JSON, once it has the lock.
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

// Lock takes the lock named name on the store named by dsn for who,
// waiting for it as long as ctx allows.
func Lock(ctx context.Context, dsn, name string, who Holder) (*Lease, error) {
	for {
		l, err := TryLock(ctx, dsn, name, who)
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

// TryLock takes the lock named name on the store named by dsn for who if
// it is free, and fails with a *LockedError naming the holder if it is not.
// A refused TryLock changes nothing in the store.
func TryLock(ctx context.Context, dsn, name string, who Holder) (*Lease, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return tryAdvisoryLock(ctx, dsn, name, who)
	}
	if dsn == "" {
		return nil, fmt.Errorf("store: lock: empty dsn: %w", ErrInvalid)
	}
	path, _, _ := strings.Cut(dsn, "?")
	path += ".lock"
	f, err := flockFile(path)
	if errors.Is(err, ErrLocked) {
		return nil, &LockedError{Name: name, Holder: readHolder(path)}
	}
	if err != nil {
		return nil, fmt.Errorf("store: lock %q: %w", name, err)
	}
	if err := writeHolder(f, who); err != nil {
		f.Close()
		return nil, fmt.Errorf("store: lock %q: %s: %w", name, path, err)
	}
	// The kernel holds a file lock for as long as the process lives.
	release := func() error {
		// The description goes with the lock, so that a stale one is
		// not read while the next holder has yet to write its own.
		return errors.Join(f.Truncate(0), f.Close())
	}
	return &Lease{release: release, lost: make(chan struct{})}, nil
}

// writeHolder writes who into the lock file f: over whatever a holder that
// died left there, then cut to its length. A reader decodes the first JSON
// value only, so the tail of a longer old description, seen between the
// two steps, does not confuse it.
func writeHolder(f *os.File, who Holder) error {
	data, err := json.Marshal(who)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if _, err := f.WriteAt(data, 0); err != nil {
		return err
	}
	return f.Truncate(int64(len(data)))
}

// readHolder reads the description of the holder of the lock file at path.
// It tries a few times over a few milliseconds: a process that has just
// taken the lock writes its description right after.
func readHolder(path string) Holder {
	for range 20 {
		f, err := os.Open(path)
		if err != nil {
			return Holder{}
		}
		var h Holder
		err = json.NewDecoder(f).Decode(&h) // the first value only
		f.Close()
		if err == nil && h.PID != 0 {
			return h
		}
		time.Sleep(5 * time.Millisecond)
	}
	return Holder{}
}

// appNamePrefix starts the application_name of a lease's connection.
const appNamePrefix = "storyline "

// maxAppName is the longest application_name PostgreSQL keeps
// (NAMEDATALEN-1); the server cuts longer ones.
const maxAppName = 63

// appName describes who in the 63 bytes of an application_name:
// "storyline serve 1234 2026-12-02T18:00:00Z web1". The host comes last
// because it is the part a long name cuts.
func appName(who Holder) string {
	cmd := strings.Join(strings.Fields(who.Command), "_")
	s := fmt.Sprintf("%s%s %d %s %s", appNamePrefix, cmd, who.PID, who.Since.UTC().Format(time.RFC3339), who.Host)
	if len(s) > maxAppName {
		s = s[:maxAppName]
	}
	return strings.ToValidUTF8(s, "")
}

// parseAppName reads what appName wrote, or returns the zero Holder.
func parseAppName(s string) Holder {
	rest, ok := strings.CutPrefix(s, appNamePrefix)
	if !ok {
		return Holder{}
	}
	f := strings.Fields(rest)
	if len(f) < 3 {
		return Holder{}
	}
	h := Holder{Command: f[0]}
	h.PID, _ = strconv.Atoi(f[1])
	h.Since, _ = time.Parse(time.RFC3339, f[2])
	if len(f) > 3 {
		h.Host = f[3]
	}
	return h
}

// lockKey maps a lock name and a schema to an advisory lock key. The names
// and schemas are few, so a 64-bit hash does not collide in practice.
func lockKey(name, schema string) int64 {
	h := fnv.New64a()
	io.WriteString(h, "storyline lock:"+name+"\x00"+schema)
	return int64(h.Sum64())
}

func tryAdvisoryLock(ctx context.Context, dsn, name string, who Holder) (*Lease, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: lock %q: %w", name, err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: lock %q: %w", name, err)
	}
	fail := func(err error) (*Lease, error) {
		conn.Close()
		db.Close()
		return nil, err
	}
	// The description is set before the lock is tried, so that whenever
	// the lock is seen granted its holder can be named.
	if _, err := conn.ExecContext(ctx, `SELECT set_config('application_name', $1, false)`, appName(who)); err != nil {
		return fail(fmt.Errorf("store: lock %q: %w", name, err))
	}
	var schema sql.NullString
	if err := conn.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fail(fmt.Errorf("store: lock %q: %w", name, err))
	}
	key := lockKey(name, schema.String)
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil {
		return fail(fmt.Errorf("store: lock %q: %w", name, err))
	}
	if !ok {
		return fail(&LockedError{Name: name, Holder: advisoryHolder(ctx, conn, key)})
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

// advisoryHolder names the session holding the advisory lock key, from
// its application_name: pg_locks shows a bigint key as its high and low
// 32 bits, in classid and objid, with objsubid 1. Any failure gives the
// zero Holder: the lock is held either way.
func advisoryHolder(ctx context.Context, conn *sql.Conn, key int64) Holder {
	var app sql.NullString
	err := conn.QueryRowContext(ctx, `
		SELECT a.application_name
		FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
		  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND l.classid::bigint = $1 AND l.objid::bigint = $2`,
		int64(uint64(key)>>32), int64(uint64(key)&0xffffffff)).Scan(&app)
	if err != nil {
		return Holder{}
	}
	return parseAppName(app.String)
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
