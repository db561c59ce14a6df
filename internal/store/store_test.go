package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"storyline/internal/report"
	"storyline/internal/store/storetest"
)

// The conformance suite runs against each backend.

func TestSQLite(t *testing.T) {
	testStore(t, func(t *testing.T) Store { return openStore(t, filepath.Join(t.TempDir(), "store.db")) })
}

func TestPostgres(t *testing.T) {
	postgresURL(t) // skips the whole suite, not each test, when there is no server
	testStore(t, func(t *testing.T) Store { return openStore(t, postgresDSN(t)) })
}

// postgresURL returns the test server's URL, or skips t.
func postgresURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("STORYLINE_TEST_POSTGRES")
	if u == "" {
		t.Skip("STORYLINE_TEST_POSTGRES not set: PostgreSQL backend not tested")
	}
	return u
}

// postgresDSN returns the DSN of a fresh schema of the test server, dropped
// when t ends, so that runs and parallel tests never see each other's data.
func postgresDSN(t *testing.T) string { return storetest.PostgresDSN(t) }

func openStore(t *testing.T, dsn string) Store {
	t.Helper()
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestReopenSQLite(t *testing.T) {
	testReopen(t, filepath.Join(t.TempDir(), "sub.db"))
}

func TestReopenPostgres(t *testing.T) {
	testReopen(t, postgresDSN(t))
}

// testReopen checks that opening a store again (migrations already applied)
// works, also while another handle is open, and keeps the data.
func testReopen(t *testing.T, dsn string) {
	ctx := t.Context()
	s1, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	commit(t, s1, Batch{Articles: []Article{article("a1", "e1", "One")}, State: []byte("v1")})
	s2, err := Open(ctx, dsn) // migrations are idempotent
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s2.HasArticle(ctx, "a1"); !ok || err != nil {
		t.Errorf("second handle: HasArticle(a1) = %v, %v", ok, err)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	s3 := openStore(t, dsn)
	if ok, err := s3.HasArticle(ctx, "a1"); !ok || err != nil {
		t.Errorf("reopened: HasArticle(a1) = %v, %v", ok, err)
	}
	if st, err := s3.State(ctx); string(st) != "v1" || err != nil {
		t.Errorf("reopened: State = %q, %v", st, err)
	}
}

func TestPostgresSearchPath(t *testing.T) {
	dsn := postgresDSN(t)
	openStore(t, dsn)
	u, _ := url.Parse(dsn)
	conn, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	err = conn.QueryRow(`SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'articles'`,
		u.Query().Get("search_path")).Scan(&n)
	if err != nil || n != 1 {
		t.Errorf("articles tables in the DSN's schema: %d, %v; want 1", n, err)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	s := openStore(t, path)
	if _, err := s.(*db).Exec(`INSERT INTO schema_migrations (version) VALUES (999)`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(t.Context(), path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open of a newer schema: err = %v, want one saying it is newer", err)
	}
}

func TestRebind(t *testing.T) {
	if got := postgres.rebind(`a = ? AND b IN (?, ?)`); got != `a = $1 AND b IN ($2, $3)` {
		t.Errorf("postgres rebind = %q", got)
	}
	if got := sqlite.rebind(`a = ?`); got != `a = ?` {
		t.Errorf("sqlite rebind = %q", got)
	}
}

// Fixtures.

func day(s string) *string { return &s }

func article(id, event, title string) Article {
	return Article{Article: report.Article{ID: id, Title: title, Event: event, DateSource: "unknown"}}
}

func event(id, storyline, title string, date *string, ents ...report.Entity) report.Event {
	return report.Event{ID: id, Storyline: storyline, Title: title, Date: date, DateSource: "given", Entities: ents}
}

func entity(name, typ string, mentions int, aliases ...string) report.Entity {
	if aliases == nil {
		aliases = []string{}
	}
	return report.Entity{Key: typ + ":" + strings.ToLower(name), Name: name, Type: typ, Aliases: aliases, Mentions: mentions}
}

func storyline(id, title string, events ...string) report.Storyline {
	sl := report.Storyline{ID: id, Title: title}
	for _, e := range events {
		sl.Events = append(sl.Events, report.Event{ID: e})
	}
	return sl
}

func commit(t *testing.T, s Store, b Batch) {
	t.Helper()
	if err := s.Commit(t.Context(), b); err != nil {
		t.Fatal(err)
	}
}

func ids[T any](xs []T, id func(T) string) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

func reportArticles(as []Article) []report.Article {
	out := []report.Article{}
	for _, a := range as {
		out = append(out, a.Article)
	}
	return out
}

func eventIDs(evs []report.Event) []string {
	return ids(evs, func(e report.Event) string { return e.ID })
}
func articleIDs(as []report.Article) []string {
	return ids(as, func(a report.Article) string { return a.ID })
}

// eq fails the test when got and want differ.
func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// testStore is the conformance suite every backend must pass; open returns
// a new, empty store.
func testStore(t *testing.T, open func(t *testing.T) Store) {
	tests := []struct {
		name string
		f    func(t *testing.T, s Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"Upsert", testUpsert},
		{"Rewrite", testRewrite},
		{"Membership", testMembership},
		{"Removed", testRemoved},
		{"Merged", testMerged},
		{"State", testState},
		{"Position", testPosition},
		{"EventQuery", testEventQuery},
		{"Storylines", testStorylines},
		{"Entities", testEntities},
		{"Articles", testArticles},
		{"Stats", testStats},
		{"NotFound", testNotFound},
		{"Rejected", testRejected},
		{"Canceled", testCanceled},
		{"ConcurrentReaders", testConcurrentReaders},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.f(t, open(t))
		})
	}
}

func testRoundTrip(t *testing.T, s Store) {
	ctx := t.Context()
	added := time.Date(2024, 3, 5, 10, 11, 12, 13, time.UTC)
	a := Article{
		Article: report.Article{
			ID: "a1", Title: "Flood hits Zürich", Date: day("2024-03-04"), DateSource: "given",
			URL: "https://example.com/a1", Source: "example.com", Author: "Anna Zweifel", Event: "e1", DuplicateOf: "a0",
			Explain: &report.Explain{NewEvent: true, Candidates: 3, BestCandidate: "e7", Body: 0.5, Lead: 0.25,
				Entities: 0.125, DaysApart: 2, TimeFactor: 0.9, Similarity: 0.42, Threshold: 0.3},
		},
		Text: "Water rose.\nÜberschwemmung.", Lang: "de", Origin: "feeds/x.jsonl:7", Storyline: "s1", Added: added,
		Raw: Raw{Title: "FLOOD hits Zürich!", Date: "2024-03-03"},
	}
	b := article("a2", "e1", "Second") // no date, no explain, zero Added
	e := report.Event{
		ID: "e1", Title: "Flood in Zürich", Date: day("2024-03-04"), DateSource: "inferred", DateConfidence: 0.75,
		Storyline: "s1",
		Summary:   []report.Sentence{{Text: "Water rose.", Article: "a1"}},
		Entities:  []report.Entity{entity("Zürich", "place", 4, "Zurich", "ZH"), entity("Limmat", "place", 1)},
		Sources:   []string{"example.com"},
	}
	sl := report.Storyline{
		ID: "s1", Title: "Zürich", Events: []report.Event{e},
		Timeline: []report.TimelineEntry{{Date: "2024-03-04", Event: "e1", Title: "Flood in Zürich"}},
		Entities: []report.Entity{entity("Zürich", "place", 4, "Zurich")},
	}
	before := time.Now()
	commit(t, s, Batch{Articles: []Article{a, b}, Events: []report.Event{e}, Storylines: []report.Storyline{sl}})

	got, err := s.Article(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Added.Equal(added) {
		t.Errorf("Added = %v, want %v", got.Added, added)
	}
	got.Added = added
	a.Seq = got.Seq // set by the store
	eq(t, "Article(a1)", got, a)

	gotB, err := s.Article(ctx, "a2")
	if err != nil {
		t.Fatal(err)
	}
	if gotB.Added.Before(before.Add(-time.Second)) || gotB.Added.After(time.Now().Add(time.Second)) {
		t.Errorf("zero Added became %v, want the commit time", gotB.Added)
	}
	b.Added, b.Storyline = gotB.Added, "s1" // the article's storyline is its event's
	b.Seq = gotB.Seq
	eq(t, "Article(a2)", gotB, b)
	if a.Seq <= 0 || b.Seq <= a.Seq {
		t.Errorf("Seq of a1, a2 = %d, %d: want increasing in commit order", a.Seq, b.Seq)
	}
	all, err := s.Articles(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	all[0].Added = added
	eq(t, "Articles(0, 0)", all, []Article{a, b})

	wantEvent := e
	wantEvent.Articles = []report.Article{a.Article, b.Article}
	gotEvent, err := s.Event(ctx, "e1")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "Event(e1)", gotEvent, wantEvent)

	gotSL, err := s.Storyline(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	sl.Events = []report.Event{wantEvent}
	eq(t, "Storyline(s1)", gotSL, sl)
}

func testUpsert(t *testing.T, s Store) {
	ctx := t.Context()
	a := article("a1", "e1", "First title")
	a.Added = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	commit(t, s, Batch{Articles: []Article{a, a}})
	commit(t, s, Batch{Articles: []Article{a}})
	a2 := a
	a2.Title, a2.Added = "Changed title", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	commit(t, s, Batch{Articles: []Article{a2}})
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Articles != 1 {
		t.Errorf("Stats.Articles = %d after committing one article four times, want 1", st.Articles)
	}
	got, err := s.Article(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Changed title" || !got.Added.Equal(a.Added) {
		t.Errorf("after upsert: title %q added %v; want the new title and the first Added %v", got.Title, got.Added, a.Added)
	}
	commit(t, s, Batch{Articles: []Article{article("a2", "e1", "Later")}})
	all, err := s.Articles(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "storage order after upserting a1", articleIDs(reportArticles(all)), []string{"a1", "a2"})
}

func testMembership(t *testing.T, s Store) {
	ctx := t.Context()
	commit(t, s, Batch{
		Articles: []Article{article("a1", "e1", "One"), article("a2", "e1", "Two"), article("a3", "e1", "Three")},
		Events:   []report.Event{event("e1", "s1", "Old", day("2024-01-01"), entity("Berlin", "place", 1))},
	})
	// a2 moves to a new event e2; e1 is replaced with another title and entity.
	commit(t, s, Batch{
		Articles: []Article{article("a2", "e2", "Two")},
		Events: []report.Event{
			event("e1", "s1", "New", day("2024-01-02"), entity("Paris", "place", 1)),
			event("e2", "s1", "Other", day("2024-01-03")),
		},
	})
	e1, err := s.Event(ctx, "e1")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "e1 articles", articleIDs(e1.Articles), []string{"a1", "a3"})
	eq(t, "e1 title", e1.Title, "New")
	e2, err := s.Event(ctx, "e2")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "e2 articles", articleIDs(e2.Articles), []string{"a2"})
	a2, err := s.Article(ctx, "a2")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "a2 event", a2.Event, "e2")
	for ent, want := range map[string][]string{"berlin": {}, "paris": {"e1"}} {
		evs, err := s.Events(ctx, EventQuery{Entity: ent})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "events of entity "+ent, eventIDs(evs), want)
	}
	ents, err := s.Entities(ctx, "berlin", 0)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "Entities(berlin) after the replacement", len(ents), 0)
}

func testRemoved(t *testing.T, s Store) {
	ctx := t.Context()
	commit(t, s, Batch{
		Articles:   []Article{article("a1", "e1", "One"), article("a2", "e2", "Two")},
		Events:     []report.Event{event("e1", "s1", "One", nil), event("e2", "s2", "Two", nil)},
		Storylines: []report.Storyline{storyline("s1", "S1", "e1"), storyline("s2", "S2", "e2")},
	})
	// e2 moves to s1, leaving s2 empty: the batch sends e2 with its new
	// storyline.
	commit(t, s, Batch{
		Events:     []report.Event{event("e2", "s1", "Two", nil)},
		Storylines: []report.Storyline{storyline("s1", "S1+S2", "e1", "e2")}, Removed: []string{"s2"},
	})
	if _, err := s.Storyline(ctx, "s2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Storyline(s2) after removal: err = %v, want ErrNotFound", err)
	}
	sl, err := s.Storyline(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "s1 events", eventIDs(sl.Events), []string{"e1", "e2"})
	eq(t, "s1 title", sl.Title, "S1+S2")
	a2, err := s.Article(ctx, "a2")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "a2 storyline", a2.Storyline, "s1")
	sums, err := s.Storylines(ctx, Page{})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "storylines", ids(sums, func(s StorylineSummary) string { return s.ID }), []string{"s1"})

	// A removed id can be used again in the same batch.
	commit(t, s, Batch{Removed: []string{"s1"}, Storylines: []report.Storyline{storyline("s1", "Fresh")}})
	sl, err = s.Storyline(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "recreated s1 title", sl.Title, "Fresh")
}

// testMerged revises placements: an article moves on its own, then its old
// event merges into another, which later merges into a third. Merged ids
// are gone and redirect to where their articles are, in one hop.
func testMerged(t *testing.T, s Store) {
	ctx := t.Context()
	commit(t, s, Batch{
		Articles: []Article{article("a1", "e1", "One"), article("a2", "e1", "Two"), article("a3", "e2", "Three"), article("a4", "e3", "Four")},
		Events: []report.Event{
			event("e1", "s1", "One", nil, entity("Berlin", "place", 2)),
			event("e2", "s2", "Two", nil), event("e3", "s1", "Three", nil),
		},
		Storylines: []report.Storyline{storyline("s1", "S1"), storyline("s2", "S2")},
	})
	moved := &report.Explain{Similarity: 0.9, MovedFrom: "e1"}
	commit(t, s, Batch{
		Moves:  []Move{{Article: "a2", Event: "e2", Storyline: "s2", Explain: moved}},
		Events: []report.Event{event("e1", "s1", "One", nil, entity("Berlin", "place", 1)), event("e2", "s2", "Two", nil)},
	})
	a2, err := s.Article(ctx, "a2")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "moved a2", []any{a2.Event, a2.Storyline, a2.Explain}, []any{"e2", "s2", moved})
	// e1 merges into e2; a1's move is not listed: the merge takes it along.
	commit(t, s, Batch{
		Merged:  []Merge{{From: "e1", Into: "e2"}},
		Events:  []report.Event{event("e2", "s2", "Two", nil, entity("Berlin", "place", 2))},
		Removed: []string{"s1"}, Storylines: []report.Storyline{storyline("s3", "S3")},
	})
	commit(t, s, Batch{
		Merged: []Merge{{From: "e2", Into: "e3"}}, Removed: []string{"s2"},
		Events: []report.Event{event("e3", "s3", "Three", nil, entity("Berlin", "place", 2))},
		Moves:  []Move{{Article: "a1", Event: "e3", Storyline: "s3"}, {Article: "a2", Event: "e3", Storyline: "s3"}, {Article: "a3", Event: "e3", Storyline: "s3"}},
	})
	for _, id := range []string{"e1", "e2"} {
		if _, err := s.Event(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Event(%s) after its merge: err = %v, want ErrNotFound", id, err)
		}
		into, err := s.Redirect(ctx, id)
		eq(t, "redirect of "+id, []any{into, err}, []any{"e3", error(nil)})
	}
	if _, err := s.Redirect(ctx, "e3"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Redirect(e3), never merged: err = %v, want ErrNotFound", err)
	}
	e3, err := s.Event(ctx, "e3")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "e3 articles", articleIDs(e3.Articles), []string{"a1", "a2", "a3", "a4"})
	evs, err := s.Events(ctx, EventQuery{Entity: "berlin"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "events of berlin", eventIDs(evs), []string{"e3"})
	stats, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "stats", stats, Stats{Articles: 4, Events: 1, Storylines: 1})
}

func testState(t *testing.T, s Store) {
	ctx := t.Context()
	state := func() []byte {
		t.Helper()
		st, err := s.State(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := state(); st != nil {
		t.Errorf("State of a new store = %q, want nil", st)
	}
	steps := []struct {
		commit []byte
		want   []byte
	}{
		{[]byte("first\x00\xff"), []byte("first\x00\xff")},
		{nil, []byte("first\x00\xff")}, // nil keeps the previous state
		{[]byte("second"), []byte("second")},
		{[]byte{}, []byte{}},
	}
	for i, step := range steps {
		commit(t, s, Batch{State: step.commit})
		eq(t, fmt.Sprintf("State after commit %d", i), state(), step.want)
	}
}

// seedEvents commits a small world for the query tests:
//
//	e1 2024-01-10 s1 "Storm hits coast"    Germany (aliases Deutschland, DE)
//	e2 2024-02-01 s1 "Ministers meet"      Germany, Angela Merkel (Merkel)
//	e3 2024-02-01 s2 "Election results"    Angela Merkel (Merkel)   created after e2
//	e4 2024-03-15 s2 "Parliament votes"    summary mentions budget
//	e5 undated    s2 "Old rumour"          article titled "Storm warning"
//	e6 undated    s3 "Nothing"             created after e5
func seedEvents(t *testing.T, s Store) {
	germany := entity("Germany", "place", 3, "DE", "Deutschland")
	merkel := entity("Angela Merkel", "person", 2, "Merkel")
	e4 := event("e4", "s2", "Parliament votes", day("2024-03-15"))
	e4.Summary = []report.Sentence{{Text: "The budget passed narrowly.", Article: "a4"}}
	commit(t, s, Batch{
		Articles: []Article{
			article("a1", "e1", "Storm hits coast"), article("a2", "e2", "Ministers meet"),
			article("a3", "e3", "Election results"), article("a4", "e4", "Vote"),
			article("a5", "e5", "Storm warning"), article("a6", "e6", "Nothing"), article("a7", "e2", "Ministers gather"),
		},
		Events: []report.Event{
			event("e1", "s1", "Storm hits coast", day("2024-01-10"), germany),
			event("e2", "s1", "Ministers meet", day("2024-02-01"), germany, merkel),
			event("e3", "s2", "Election results", day("2024-02-01"), merkel),
			e4,
			event("e5", "s2", "Old rumour", nil),
			event("e6", "s3", "Nothing", nil),
		},
		Storylines: []report.Storyline{
			storyline("s1", "Germany", "e1", "e2"), storyline("s2", "Merkel", "e3", "e4", "e5"), storyline("s3", "Nothing", "e6"),
		},
	})
}

func testEventQuery(t *testing.T, s Store) {
	seedEvents(t, s)
	tests := []struct {
		name string
		q    EventQuery
		want []string
	}{
		{"all, newest first, undated last", EventQuery{}, []string{"e4", "e3", "e2", "e1", "e6", "e5"}},
		{"from", EventQuery{From: "2024-02-01"}, []string{"e4", "e3", "e2"}},
		{"to", EventQuery{To: "2024-02-01"}, []string{"e3", "e2", "e1"}},
		{"from and to", EventQuery{From: "2024-01-11", To: "2024-03-14"}, []string{"e3", "e2"}},
		{"one day", EventQuery{From: "2024-03-15", To: "2024-03-15"}, []string{"e4"}},
		{"entity name", EventQuery{Entity: "Germany"}, []string{"e2", "e1"}},
		{"entity alias, any case", EventQuery{Entity: "deutschland"}, []string{"e2", "e1"}},
		{"entity is no substring match", EventQuery{Entity: "Germ"}, []string{}},
		{"entity and dates", EventQuery{Entity: "MERKEL", To: "2024-02-01"}, []string{"e3", "e2"}},
		{"q in title", EventQuery{Q: "storm"}, []string{"e1", "e5"}},
		{"q all words", EventQuery{Q: "Storm COAST"}, []string{"e1"}},
		{"q words across title and article title", EventQuery{Q: "ministers gather"}, []string{"e2"}},
		{"q in summary", EventQuery{Q: "budget"}, []string{"e4"}},
		{"q whole words only", EventQuery{Q: "stor"}, []string{}},
		{"q missing word", EventQuery{Q: "storm nothing"}, []string{}},
		{"storyline", EventQuery{Storyline: "s2"}, []string{"e4", "e3", "e5"}},
		{"storyline and q", EventQuery{Storyline: "s2", Q: "storm"}, []string{"e5"}},
		{"limit", EventQuery{Page: Page{Limit: 2}}, []string{"e4", "e3"}},
		{"limit and offset", EventQuery{Page: Page{Limit: 2, Offset: 2}}, []string{"e2", "e1"}},
		{"offset past the end", EventQuery{Page: Page{Offset: 10}}, []string{}},
		{"huge limit is capped", EventQuery{Page: Page{Limit: 1 << 30}}, []string{"e4", "e3", "e2", "e1", "e6", "e5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := s.Events(t.Context(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			eq(t, fmt.Sprintf("Events(%+v)", tt.q), eventIDs(evs), tt.want)
		})
	}

	evs, err := s.Events(t.Context(), EventQuery{Entity: "germany"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "articles of e2 in Events", articleIDs(evs[0].Articles), []string{"a2", "a7"})

	for _, q := range []EventQuery{{From: "2024-1-1"}, {To: "yesterday"}} {
		if _, err := s.Events(t.Context(), q); !errors.Is(err, ErrInvalid) {
			t.Errorf("Events(%+v): err = %v, want ErrInvalid", q, err)
		}
	}

	sl, err := s.Storyline(t.Context(), "s2")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "Storyline(s2) events: dated ascending, undated last", eventIDs(sl.Events), []string{"e3", "e4", "e5"})
}

func testStorylines(t *testing.T, s Store) {
	seedEvents(t, s)
	top := make([]report.Entity, 7)
	for i := range top {
		top[i] = entity(fmt.Sprint("N", i), "person", i)
	}
	// s4 has no events and s5 no dated ones; s5 was changed last.
	commit(t, s, Batch{Storylines: []report.Storyline{{ID: "s4", Title: "Empty", Entities: top}}})
	commit(t, s, Batch{
		Articles:   []Article{article("a8", "e8", "Late")},
		Events:     []report.Event{event("e8", "s5", "Late", nil)},
		Storylines: []report.Storyline{storyline("s5", "Undated", "e8")},
	})
	sums, err := s.Storylines(t.Context(), Page{})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "storylines order", ids(sums, func(s StorylineSummary) string { return s.ID }), []string{"s2", "s1", "s5", "s4", "s3"})
	eq(t, "s2 summary", sums[0], StorylineSummary{
		ID: "s2", Title: "Merkel", Events: 3, Articles: 3, First: day("2024-02-01"), Last: day("2024-03-15"),
		Entities: []report.Entity{},
	})
	eq(t, "s5 summary", sums[2], StorylineSummary{ID: "s5", Title: "Undated", Events: 1, Articles: 1, Entities: []report.Entity{}})
	eq(t, "s4 entities: the first 5", sums[3].Entities, top[:5])
	eq(t, "s4 counts", [2]int{sums[3].Events, sums[3].Articles}, [2]int{0, 0})

	page, err := s.Storylines(t.Context(), Page{Limit: 2, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "storylines page", ids(page, func(s StorylineSummary) string { return s.ID }), []string{"s1", "s5"})

	// A touched storyline becomes the latest active among equals, and
	// keeps what it says of itself.
	before, err := s.Storyline(t.Context(), "s3")
	if err != nil {
		t.Fatal(err)
	}
	commit(t, s, Batch{Touched: []string{"s3", "s-never-stored"}})
	sums, err = s.Storylines(t.Context(), Page{})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "storylines order after touching s3", ids(sums, func(s StorylineSummary) string { return s.ID }), []string{"s2", "s1", "s3", "s5", "s4"})
	after, err := s.Storyline(t.Context(), "s3")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "s3 after touching it", after, before)
}

func testEntities(t *testing.T, s Store) {
	seedEvents(t, s)
	noKey := entity("Germany", "place", 1, "Federal Republic")
	noKey.Key = "" // falls back to type:lower-cased name, the key the others have
	commit(t, s, Batch{Events: []report.Event{
		event("e9", "s3", "Extra", nil, noKey, entity("Germanwings", "org", 5)),
		// Another spelling of Merkel's key: the longest name wins.
		event("e10", "s3", "Extra", nil, report.Entity{Key: "person:angela merkel", Name: "Merkel", Type: "person", Mentions: 1}),
	}})
	germany := EntityCount{entity("Germany", "place", 7, "DE", "Deutschland", "Federal Republic"), 3}
	merkel := EntityCount{entity("Angela Merkel", "person", 5, "Merkel"), 3}
	tests := []struct {
		q     string
		limit int
		want  []EntityCount
	}{
		{"germ", 0, []EntityCount{germany, {entity("Germanwings", "org", 5), 1}}},
		{"DEUTSCH", 0, []EntityCount{germany}}, // all of Germany's events count, not just those with the alias
		{"merk", 0, []EntityCount{merkel}},
		{"", 1, []EntityCount{germany}}, // ties on events: most mentions first
		{"", 2, []EntityCount{germany, merkel}},
		{"%", 0, []EntityCount{}},
		{"nobody", 0, []EntityCount{}},
	}
	for _, tt := range tests {
		got, err := s.Entities(t.Context(), tt.q, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, fmt.Sprintf("Entities(%q, %d)", tt.q, tt.limit), got, tt.want)
	}
	evs, err := s.Events(t.Context(), EventQuery{Entity: "PERSON:Angela Merkel"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "events by entity key", eventIDs(evs), []string{"e3", "e2", "e10"})
	evs, err = s.Events(t.Context(), EventQuery{Entity: "Federal Republic"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "events by a spelling that only e9 has: all of the entity's", eventIDs(evs), []string{"e2", "e1", "e9"})
}

func testArticles(t *testing.T, s Store) {
	seedEvents(t, s)
	commit(t, s, Batch{Articles: []Article{article("a0", "e1", "Late"), article("a3", "e3", "Again")}})
	var got []string
	var after int64
	for {
		page, err := s.Articles(t.Context(), after, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 3 {
			t.Fatalf("Articles(%d, 3) returned %d articles", after, len(page))
		}
		got = append(got, articleIDs(reportArticles(page))...)
		after = page[len(page)-1].Seq
	}
	eq(t, "articles in storage order", got, []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a0"})
}

func testStats(t *testing.T, s Store) {
	st, err := s.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "Stats of an empty store", st, Stats{})
	seedEvents(t, s)
	dup := article("a9", "e1", "Storm hits coast again")
	dup.DuplicateOf = "a1"
	commit(t, s, Batch{Articles: []Article{dup}})
	st, err = s.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "Stats", st, Stats{Articles: 8, Events: 6, Storylines: 3, Duplicates: 1})
}

func testNotFound(t *testing.T, s Store) {
	ctx := t.Context()
	seedEvents(t, s)
	if _, err := s.Article(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Article: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Event(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Event: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Storyline(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Storyline: err = %v, want ErrNotFound", err)
	}
	if ok, err := s.HasArticle(ctx, "nope"); ok || err != nil {
		t.Errorf("HasArticle(nope) = %v, %v", ok, err)
	}
	if ok, err := s.HasArticle(ctx, "a1"); !ok || err != nil {
		t.Errorf("HasArticle(a1) = %v, %v", ok, err)
	}
}

// snapshot reads everything a test batch could have changed.
func snapshot(t *testing.T, s Store) string {
	t.Helper()
	ctx := t.Context()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	state, err := s.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, EventQuery{})
	if err != nil {
		t.Fatal(err)
	}
	sums, err := s.Storylines(ctx, Page{})
	if err != nil {
		t.Fatal(err)
	}
	ents, err := s.Entities(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal([]any{st, state, evs, sums, ents})
	if err != nil {
		t.Fatal(err)
	}
	return string(j)
}

func testRejected(t *testing.T, s Store) {
	seedEvents(t, s)
	commit(t, s, Batch{State: []byte("before")})
	before := snapshot(t, s)
	good := []Article{article("n1", "e1", "New one"), article("a1", "e9", "Moved")}
	bad := article("n3", "e1", "Bad text")
	bad.Text = "a\x00b"
	tests := []struct {
		name    string
		b       Batch
		mention string // what the error must name
	}{
		{"empty article id", Batch{Articles: append(good, article("", "e1", "Nameless"))}, `article #2 ("Nameless")`},
		{"bad article date", Batch{Articles: []Article{{Article: report.Article{ID: "n4", Date: day("2024-13-01")}}}}, "article n4"},
		{"empty event id", Batch{Articles: good, Events: []report.Event{event("", "s1", "Anon", nil)}}, `event #0 ("Anon")`},
		{"bad event date", Batch{Events: []report.Event{event("e7", "s1", "x", day("24-01-01"))}}, "event e7"},
		{"empty storyline id", Batch{Storylines: []report.Storyline{storyline("", "Anon")}}, `storyline #0 ("Anon")`},
		{"empty removed id", Batch{Removed: []string{"s1", ""}}, "removed storyline #1"},
		{"merge into itself", Batch{Articles: good, Merged: []Merge{{From: "e1", Into: "e1"}}}, "merge #0"},
		{"merged event written", Batch{Merged: []Merge{{From: "e1", Into: "e2"}}, Events: []report.Event{event("e1", "s1", "x", nil)}}, "event e1"},
		{"move without event", Batch{Moves: []Move{{Article: "a1"}}}, "move #0"},
		// Written after the good articles: the transaction must roll them back.
		{"NUL in text", Batch{Articles: append(good, bad), Removed: []string{"s1"}, State: []byte("after")}, "article n3"},
		{"invalid UTF-8 in entity", Batch{
			Articles: good,
			Events:   []report.Event{event("e1", "s9", "Changed", nil, entity("\xff", "place", 1))},
		}, "event e1"},
	}
	for _, tt := range tests {
		err := s.Commit(t.Context(), tt.b)
		if err == nil {
			t.Errorf("%s: Commit succeeded", tt.name)
			continue
		}
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("%s: err = %v, want ErrInvalid naming %s", tt.name, err, tt.mention)
		}
		if after := snapshot(t, s); after != before {
			t.Errorf("%s: the rejected batch changed the store:\nbefore %s\nafter  %s", tt.name, before, after)
		}
	}
}

func testCanceled(t *testing.T, s Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.Commit(ctx, Batch{Articles: []Article{article("a1", "e1", "One")}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Commit with a canceled context: err = %v, want context.Canceled", err)
	}
	if _, err := s.Events(ctx, EventQuery{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Events with a canceled context: err = %v, want context.Canceled", err)
	}
	if ok, err := s.HasArticle(t.Context(), "a1"); ok || err != nil {
		t.Errorf("HasArticle(a1) after a canceled Commit = %v, %v; want false, nil", ok, err)
	}
}

// testConcurrentReaders reads while batches are committed: every read must
// succeed and see whole batches only.
func testConcurrentReaders(t *testing.T, s Store) {
	ctx := t.Context()
	const batches, size = 20, 10
	done := make(chan struct{})
	var wg sync.WaitGroup
	for r := range 4 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				st, err := s.Stats(ctx)
				if err != nil {
					t.Errorf("reader %d: %v", r, err)
					return
				}
				if st.Articles%size != 0 || st.Events != st.Articles/size {
					t.Errorf("reader %d saw part of a batch: %+v", r, st)
					return
				}
				evs, err := s.Events(ctx, EventQuery{Q: "news"})
				if err != nil {
					t.Errorf("reader %d: %v", r, err)
					return
				}
				for _, e := range evs {
					if len(e.Articles) != size {
						t.Errorf("reader %d: event %s has %d articles, want %d", r, e.ID, len(e.Articles), size)
						return
					}
				}
				if _, err := s.Storylines(ctx, Page{}); err != nil {
					t.Errorf("reader %d: %v", r, err)
					return
				}
			}
		})
	}
	for i := range batches {
		e := fmt.Sprint("e", i)
		b := Batch{Events: []report.Event{event(e, "s1", "News "+e, day("2024-01-01"))},
			Storylines: []report.Storyline{storyline("s1", "S", e)}, State: []byte(e)}
		for j := range size {
			b.Articles = append(b.Articles, article(fmt.Sprint("a", i, "-", j), e, "News"))
		}
		if err := s.Commit(ctx, b); err != nil {
			t.Error(err)
			break
		}
	}
	close(done)
	wg.Wait()
}
