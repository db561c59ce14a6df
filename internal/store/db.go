package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Open opens the store named by dsn: "postgres://..." or "postgresql://..."
// is a PostgreSQL database (a search_path parameter in the DSN selects the
// schema); anything else is the path of a SQLite file, created if missing.
// Open brings the schema up to date before returning.
func Open(ctx context.Context, dsn string) (Store, error) {
	var s *db
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		conn, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		s = &db{DB: conn, dialect: postgres}
	case dsn == "":
		return nil, fmt.Errorf("store: open: empty dsn: %w", ErrInvalid)
	default:
		conn, err := sql.Open("sqlite", sqliteDSN(dsn))
		if err != nil {
			return nil, fmt.Errorf("store: open %s: %w", dsn, err)
		}
		// WAL lets any number of readers run beside the one writer, so a
		// small pool serves the HTTP server's readers while Commit writes.
		n := max(4, runtime.GOMAXPROCS(0))
		conn.SetMaxOpenConns(n)
		conn.SetMaxIdleConns(n) // reopening a connection reruns the pragmas
		s = &db{DB: conn, dialect: sqlite}
	}
	if err := s.migrate(ctx, migrations); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: open %s: %w", s.name, err)
	}
	return s, nil
}

// sqliteDSN adds to a file path the settings every connection needs.
func sqliteDSN(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + strings.Join([]string{
		// Readers never block the writer nor it them.
		"_pragma=journal_mode(WAL)",
		// WAL is durable across crashes of the program at NORMAL; only a
		// power loss can take back the last commits, which re-ingesting
		// restores.
		"_pragma=synchronous(NORMAL)",
		// A second writer (another process, or a concurrent Commit) waits
		// its turn instead of failing with SQLITE_BUSY.
		"_pragma=busy_timeout(10000)",
		"_pragma=foreign_keys(1)",
		// A commit of 1,000 articles dirties more pages than the default
		// 2 MB cache holds, so they spilled into the WAL mid-transaction,
		// and its index lookups kept reading pages from the file: 16 MiB
		// took a quarter off BenchmarkCommitGrowing. A cached page (4 KiB
		// and a header) takes an 8 KiB slot of the driver's allocator, so
		// this costs up to 32 MiB of memory per open connection, taken only
		// as pages are read: in an ingestion run only the writer's fills.
		// 32 MiB gained a little more for twice that, too much of the 1M
		// benchmark's 1.5 GB.
		"_pragma=cache_size(-16384)",
		// At the default of 1,000 pages every commit of a batch ended in a
		// checkpoint, copying pages that consecutive commits all change
		// (inner index pages, meta) into the file and syncing it each time.
		// Every 10,000 pages (40 MB) took a fifth off BenchmarkCommit; at a
		// million articles, where a batch dirties thousands of scattered
		// pages, checkpoints still cost a fifth of the store's CPU, and
		// every 40,000 pages (160 MB, the WAL file's size on disk) writes
		// back a page changed by several batches once.
		"_pragma=wal_autocheckpoint(40000)",
		// Write transactions take the write lock when they begin, so that
		// two of them cannot both read and then deadlock on upgrading;
		// read-only ones (see readTx) stay deferred.
		"_txlock=immediate",
	}, "&")
}

// A dialect holds what differs between the backends' SQL.
type dialect struct {
	name   string
	dollar bool // placeholders are $1, $2, ... rather than ?
	// ddl adapts the migrations, written for SQLite, to the backend.
	ddl *strings.Replacer
	// lock, when not empty, runs first in the migration transaction so
	// that concurrent Opens migrate one after the other.
	lock string
}

var (
	sqlite = &dialect{name: "sqlite", ddl: strings.NewReplacer()}
	// PostgreSQL's default collation orders text by language rules; "C"
	// orders it by bytes as SQLite does, so that ties sort alike.
	postgres = &dialect{
		name:   "postgres",
		dollar: true,
		ddl:    strings.NewReplacer(" TEXT", ` TEXT COLLATE "C"`, " BLOB", " BYTEA"),
		lock:   "SELECT pg_advisory_xact_lock(7246517)",
	}
)

// rebind rewrites ? placeholders for the dialect. The store's queries have
// no ? anywhere else.
func (d *dialect) rebind(query string) string {
	if !d.dollar {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// db is the Store of both backends.
type db struct {
	*sql.DB
	*dialect
}

// A migration is one version of the schema: SQL written for SQLite, which
// dialect.ddl adapts, and, when existing rows must be rewritten in ways the
// two backends' SQL does not say alike, a Go step run after it.
type migration struct {
	sql  string
	rows func(context.Context, *sql.Tx, *dialect) error
}

// migrations are the schema's versions, each applied once in order and
// recorded in schema_migrations. Append; never edit a released one.
//
// Dates are TEXT (YYYY-MM-DD), which sorts by date in both backends. The
// seq columns order rows by arrival (see Commit). Nested report values are
// JSON; the columns that queries filter on are real, indexed columns.
var migrations = []migration{
	{sql: `CREATE TABLE meta (
		id INTEGER PRIMARY KEY CHECK (id = 1),
		seq BIGINT NOT NULL, -- last number handed out to a commit's rows
		state BLOB           -- the pipeline snapshot, NULL until one is committed
	);
	INSERT INTO meta (id, seq) VALUES (1, 0);

	CREATE TABLE articles (
		id TEXT PRIMARY KEY,
		seq BIGINT NOT NULL,
		event_id TEXT NOT NULL,
		storyline TEXT NOT NULL,
		title TEXT NOT NULL,
		date TEXT,
		date_source TEXT NOT NULL,
		url TEXT NOT NULL,
		source TEXT NOT NULL,
		duplicate_of TEXT NOT NULL,
		explain TEXT,       -- JSON of report.Explain
		body TEXT NOT NULL, -- Article.Text
		lang TEXT NOT NULL,
		origin TEXT NOT NULL,
		added BIGINT NOT NULL, -- Unix nanoseconds
		raw_title TEXT NOT NULL,
		raw_date TEXT NOT NULL,
		search TEXT NOT NULL   -- the title's lower-cased words, see searchText
	);
	CREATE INDEX articles_event ON articles (event_id, seq);
	CREATE INDEX articles_seq ON articles (seq);
	CREATE INDEX articles_duplicate ON articles (duplicate_of) WHERE duplicate_of <> '';

	CREATE TABLE events (
		id TEXT PRIMARY KEY,
		seq BIGINT NOT NULL,
		storyline TEXT NOT NULL,
		date TEXT,
		title TEXT NOT NULL,
		data TEXT NOT NULL,  -- JSON of eventData
		search TEXT NOT NULL -- the title's and summary's lower-cased words
	);
	CREATE INDEX events_date ON events (date, seq);
	CREATE INDEX events_storyline ON events (storyline, date);

	-- One row per entity of an event, for Entities.
	CREATE TABLE event_entities (
		event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
		pos INTEGER NOT NULL,
		key TEXT NOT NULL, -- Entity.Key, or type:lower-cased name when it has none
		name TEXT NOT NULL,
		type TEXT NOT NULL,
		mentions INTEGER NOT NULL,
		aliases TEXT NOT NULL, -- JSON array
		search TEXT NOT NULL,  -- lower-cased name and aliases, one per line
		PRIMARY KEY (event_id, pos)
	);
	CREATE INDEX event_entities_key ON event_entities (key);

	-- One row per lower-cased name, alias or key of an event's entities,
	-- for EventQuery.Entity.
	CREATE TABLE entity_names (
		name TEXT NOT NULL,
		event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
		PRIMARY KEY (name, event_id)
	);
	CREATE INDEX entity_names_event ON entity_names (event_id);

	CREATE TABLE storylines (
		id TEXT PRIMARY KEY,
		title TEXT NOT NULL,
		timeline TEXT NOT NULL, -- JSON
		entities TEXT NOT NULL, -- JSON
		updated BIGINT NOT NULL -- meta.seq of the commit that last wrote it
	);`},
	// 2: bylines.
	{sql: `ALTER TABLE articles ADD COLUMN author TEXT NOT NULL DEFAULT ''`},
	// 3: the last message of an input stream whose placement is stored
	// (the queue's writer).
	{sql: `ALTER TABLE meta ADD COLUMN position BIGINT NOT NULL DEFAULT 0`},
	// 4: entity_names held a row per spelling of each event's entities,
	// about 45 per event, inserted at random places of its index: at a
	// million articles these inserts were the store's largest cost.
	// entity_spellings holds each spelling once per entity key, and
	// EventQuery.Entity finds the events through event_entities' key index.
	{sql: `CREATE TABLE entity_spellings (
		name TEXT NOT NULL, -- lower-cased name, alias or key
		key TEXT NOT NULL,  -- event_entities.key
		PRIMARY KEY (name, key)
	);
	DROP TABLE entity_names;`, rows: spellEntities},
	// 5: events merged into others by revised placement, so that their
	// ids keep leading somewhere (Store.Redirect).
	{sql: `CREATE TABLE event_redirects (
		id TEXT PRIMARY KEY, -- the merged event
		target TEXT NOT NULL -- the event its articles belong to now
	);
	CREATE INDEX event_redirects_target ON event_redirects (target);`},
}

// spellEntities fills entity_spellings from the stored entities: the lines
// of their search column and their lower-cased keys.
func spellEntities(ctx context.Context, tx *sql.Tx, d *dialect) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT key, search FROM event_entities`)
	if err != nil {
		return err
	}
	defer rows.Close()
	type spelling struct{ name, key string }
	var all []spelling // read first: a PostgreSQL connection runs one query at a time
	for rows.Next() {
		var key, search string
		if err := rows.Scan(&key, &search); err != nil {
			return err
		}
		all = append(all, spelling{strings.ToLower(key), key})
		for _, n := range strings.Split(search, "\n") {
			if n != "" {
				all = append(all, spelling{n, key})
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, d.rebind(insertSpelling))
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, sp := range all {
		if _, err := stmt.ExecContext(ctx, sp.name, sp.key); err != nil {
			return fmt.Errorf("entity spelling %q: %w", sp.name, err)
		}
	}
	return nil
}

// insertSpelling records that name spells the entity key.
const insertSpelling = `INSERT INTO entity_spellings (name, key) VALUES (?, ?) ON CONFLICT DO NOTHING`

// migrate applies the steps the database lacks, all in one transaction.
func (s *db) migrate(ctx context.Context, steps []migration) error {
	tx, err := s.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if s.lock != "" {
		if _, err := tx.ExecContext(ctx, s.lock); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return err
	}
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return err
	}
	if version > len(steps) {
		return fmt.Errorf("schema version %d is newer than this program's %d", version, len(steps))
	}
	for i := version; i < len(steps); i++ {
		if _, err := tx.ExecContext(ctx, s.ddl.Replace(steps[i].sql)); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if steps[i].rows != nil {
			if err := steps[i].rows(ctx, tx, s.dialect); err != nil {
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO schema_migrations (version) VALUES (?)`), i+1); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	return tx.Commit()
}

// readTx runs f in a read-only transaction, so that a query made of several
// statements sees one committed state even while Commit writes.
// (PostgreSQL needs REPEATABLE READ for that; SQLite ignores the level,
// its read transactions being snapshots already.)
func (s *db) readTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// notFound turns sql.ErrNoRows into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
