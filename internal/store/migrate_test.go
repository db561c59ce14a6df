package store

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

func TestMigrateSpellingsSQLite(t *testing.T) {
	testMigrateSpellings(t, filepath.Join(t.TempDir(), "v3.db"))
}

func TestMigrateSpellingsPostgres(t *testing.T) {
	testMigrateSpellings(t, postgresDSN(t))
}

// testMigrateSpellings stores entities in the schema of version 3, whose
// entity_names listed each event's spellings, and checks that opening the
// store moves them to entity_spellings: every spelling still finds its
// events.
func testMigrateSpellings(t *testing.T, dsn string) {
	ctx := t.Context()
	v3 := &db{dialect: sqlite}
	driver, source := "sqlite", sqliteDSN(dsn)
	if strings.HasPrefix(dsn, "postgres://") {
		v3.dialect, driver, source = postgres, "pgx", dsn
	}
	conn, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	v3.DB = conn
	if err := v3.migrate(ctx, migrations[:3]); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO events (id, seq, storyline, date, title, data, search) VALUES
			('e1', 1, 's1', '2024-01-01', 'One', '{}', ' one '),
			('e2', 2, 's1', '2024-01-02', 'Two', '{}', ' two ')`,
		`INSERT INTO event_entities (event_id, pos, key, name, type, mentions, aliases, search) VALUES
			('e1', 0, 'place:germany', 'Germany', 'place', 2, '["Deutschland"]', '
germany
deutschland
'),
			('e2', 0, 'place:germany', 'Germany', 'place', 1, '[]', '
germany
'),
			('e2', 1, 'person:angela merkel', 'Merkel', 'person', 1, '[]', '
merkel
')`,
		`INSERT INTO entity_names (name, event_id) VALUES ('germany', 'e1'), ('deutschland', 'e1'),
			('place:germany', 'e1'), ('germany', 'e2'), ('place:germany', 'e2'), ('merkel', 'e2'),
			('person:angela merkel', 'e2')`,
	} {
		if _, err := v3.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := v3.Close(); err != nil {
		t.Fatal(err)
	}

	s := openStore(t, dsn)
	for name, want := range map[string][]string{
		"Germany":              {"e2", "e1"},
		"deutschland":          {"e2", "e1"},
		"place:germany":        {"e2", "e1"},
		"merkel":               {"e2"},
		"Person:Angela Merkel": {"e2"},
		"angela merkel":        {}, // the key, not a spelling, holds the first name
	} {
		evs, err := s.Events(ctx, EventQuery{Entity: name})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "events of "+name, eventIDs(evs), want)
	}
}
