package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"storyline/internal/report"
)

// eventData is the JSON form of the event fields no query filters on.
type eventData struct {
	DateSource     string            `json:"date_source"`
	DateConfidence float64           `json:"date_confidence"`
	Summary        []report.Sentence `json:"summary"`
	Entities       []report.Entity   `json:"entities"`
	Sources        []string          `json:"sources"`
}

// Commit writes b in one transaction; see Batch for what it does.
//
// Rows get increasing seq numbers in the order they arrive, so that events
// of one date, and the articles of an event, list in arrival order as the
// pipeline reports them. A replaced row keeps its first number.
func (s *db) Commit(ctx context.Context, b Batch) error {
	if err := check(b); err != nil {
		return err
	}
	tx, err := s.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	defer tx.Rollback()
	// Reserving the numbers first also takes the write lock: in PostgreSQL
	// this row lock makes concurrent Commits run one after the other.
	n := int64(len(b.Articles) + len(b.Events) + 1)
	var last int64
	if err := tx.QueryRowContext(ctx, s.rebind(`UPDATE meta SET seq = seq + ? WHERE id = 1 RETURNING seq`), n).Scan(&last); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	if b.Position != 0 {
		// The meta row is locked by now, so no other Commit can move the
		// position between this check and the end of the transaction.
		res, err := tx.ExecContext(ctx, s.rebind(`UPDATE meta SET position = ? WHERE id = 1 AND position = ?`), b.Position, b.PositionFrom)
		if err != nil {
			return fmt.Errorf("store: commit position: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: commit position: %w", err)
		} else if n != 1 {
			return fmt.Errorf("store: commit position %d: the stored position is no longer %d: %w", b.Position, b.PositionFrom, ErrConflict)
		}
	}
	w := writer{db: s, tx: tx, seq: last - n, commit: last, stmts: map[string]*sql.Stmt{}}
	if err := w.write(ctx, b); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// check rejects a batch with a missing id or a malformed date before
// anything is written.
func check(b Batch) error {
	for i, a := range b.Articles {
		if a.ID == "" {
			return fmt.Errorf("store: commit article #%d (%q): empty id: %w", i, a.Title, ErrInvalid)
		}
		if !validDate(a.Date) {
			return fmt.Errorf("store: commit article %s: date %q is not YYYY-MM-DD: %w", a.ID, *a.Date, ErrInvalid)
		}
	}
	for i, e := range b.Events {
		if e.ID == "" {
			return fmt.Errorf("store: commit event #%d (%q): empty id: %w", i, e.Title, ErrInvalid)
		}
		if !validDate(e.Date) {
			return fmt.Errorf("store: commit event %s: date %q is not YYYY-MM-DD: %w", e.ID, *e.Date, ErrInvalid)
		}
	}
	merged := map[string]bool{}
	for i, m := range b.Merged {
		if m.From == "" || m.Into == "" || m.From == m.Into {
			return fmt.Errorf("store: commit merge #%d (%q into %q): needs two different event ids: %w", i, m.From, m.Into, ErrInvalid)
		}
		merged[m.From] = true
	}
	for _, e := range b.Events {
		if merged[e.ID] {
			return fmt.Errorf("store: commit event %s: the batch merges it into another: %w", e.ID, ErrInvalid)
		}
	}
	for i, m := range b.Moves {
		if m.Article == "" || m.Event == "" {
			return fmt.Errorf("store: commit move #%d (article %q to event %q): empty id: %w", i, m.Article, m.Event, ErrInvalid)
		}
	}
	for i, sl := range b.Storylines {
		if sl.ID == "" {
			return fmt.Errorf("store: commit storyline #%d (%q): empty id: %w", i, sl.Title, ErrInvalid)
		}
	}
	for i, id := range b.Removed {
		if id == "" {
			return fmt.Errorf("store: commit removed storyline #%d: empty id: %w", i, ErrInvalid)
		}
	}
	if b.Position < 0 || b.PositionFrom < 0 || (b.Position != 0 && b.Position <= b.PositionFrom) {
		return fmt.Errorf("store: commit position %d from %d: positions only grow: %w", b.Position, b.PositionFrom, ErrInvalid)
	}
	return nil
}

func validDate(d *string) bool {
	if d == nil {
		return true
	}
	_, err := time.Parse(time.DateOnly, *d)
	return err == nil && len(*d) == len(time.DateOnly)
}

// A writer writes one batch inside its transaction.
type writer struct {
	*db
	tx     *sql.Tx
	seq    int64 // the last number handed out
	commit int64 // the number of the commit itself, for storylines.updated
	stmts  map[string]*sql.Stmt
}

func (w *writer) write(ctx context.Context, b Batch) error {
	for _, id := range b.Removed {
		if err := w.exec(ctx, `DELETE FROM storylines WHERE id = ?`, id); err != nil {
			return fmt.Errorf("store: commit removed storyline %s: %w", id, err)
		}
	}
	if err := w.articles(ctx, b.Articles); err != nil {
		return err
	}
	if err := w.moves(ctx, b.Moves); err != nil {
		return err
	}
	for _, m := range b.Merged {
		if err := w.merge(ctx, m); err != nil {
			return fmt.Errorf("store: commit merge of event %s into %s: %w", m.From, m.Into, err)
		}
	}
	for _, e := range b.Events {
		if err := w.event(ctx, e); err != nil {
			return fmt.Errorf("store: commit event %s: %w", e.ID, err)
		}
	}
	for _, sl := range b.Storylines {
		if err := w.storyline(ctx, sl); err != nil {
			return fmt.Errorf("store: commit storyline %s: %w", sl.ID, err)
		}
	}
	for _, id := range b.Touched {
		if err := w.exec(ctx, `UPDATE storylines SET updated = ? WHERE id = ?`, w.commit, id); err != nil {
			return fmt.Errorf("store: commit touched storyline %s: %w", id, err)
		}
	}
	if b.State != nil {
		if err := w.exec(ctx, `UPDATE meta SET state = ? WHERE id = 1`, b.State); err != nil {
			return fmt.Errorf("store: commit state: %w", err)
		}
	}
	return nil
}

// articles upserts articles.
func (w *writer) articles(ctx context.Context, arts []Article) error {
	now := time.Now()
	for _, a := range arts {
		var explain *string
		if a.Explain != nil {
			j, err := json.Marshal(a.Explain)
			if err != nil {
				return fmt.Errorf("store: commit article %s: %w", a.ID, err)
			}
			explain = new(string(j))
		}
		added := a.Added
		if added.IsZero() {
			added = now
		}
		w.seq++
		err := w.exec(ctx, `
			INSERT INTO articles (id, seq, event_id, storyline, title, date, date_source, url, source,
				duplicate_of, explain, body, lang, origin, added, raw_title, raw_date, search, author)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET event_id = excluded.event_id, storyline = excluded.storyline,
				title = excluded.title, date = excluded.date, date_source = excluded.date_source,
				url = excluded.url, source = excluded.source, duplicate_of = excluded.duplicate_of,
				explain = excluded.explain, body = excluded.body, lang = excluded.lang,
				origin = excluded.origin, raw_title = excluded.raw_title, raw_date = excluded.raw_date,
				search = excluded.search, author = excluded.author`,
			a.ID, w.seq, a.Event, a.Storyline, a.Title, a.Date, a.DateSource, a.URL, a.Source,
			a.DuplicateOf, explain, a.Text, a.Lang, a.Origin, added.UnixNano(), a.Raw.Title, a.Raw.Date, searchText(a.Title), a.Author)
		if err != nil {
			return fmt.Errorf("store: commit article %s: %w", a.ID, err)
		}
	}
	return nil
}

// moves files stored articles under their new events.
func (w *writer) moves(ctx context.Context, moves []Move) error {
	for _, m := range moves {
		var err error
		if m.Explain == nil {
			err = w.exec(ctx, `UPDATE articles SET event_id = ?, storyline = ? WHERE id = ?`, m.Event, m.Storyline, m.Article)
		} else {
			var j []byte
			if j, err = json.Marshal(m.Explain); err == nil {
				err = w.exec(ctx, `UPDATE articles SET event_id = ?, storyline = ?, explain = ? WHERE id = ?`, m.Event, m.Storyline, string(j), m.Article)
			}
		}
		if err != nil {
			return fmt.Errorf("store: commit move of article %s to event %s: %w", m.Article, m.Event, err)
		}
	}
	return nil
}

// merge deletes event m.From and leaves a redirect to m.Into in its place.
// Articles still filed under From follow it, so that no article is left
// under an event that is gone even if the batch did not list its move.
func (w *writer) merge(ctx context.Context, m Merge) error {
	for _, q := range []struct {
		query string
		args  []any
	}{
		{`UPDATE articles SET event_id = ? WHERE event_id = ?`, []any{m.Into, m.From}},
		{`DELETE FROM event_entities WHERE event_id = ?`, []any{m.From}},
		{`DELETE FROM events WHERE id = ?`, []any{m.From}},
		// Earlier merges into From now lead to Into: one hop from any id.
		{`UPDATE event_redirects SET target = ? WHERE target = ?`, []any{m.Into, m.From}},
		{`INSERT INTO event_redirects (id, target) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET target = excluded.target`, []any{m.From, m.Into}},
	} {
		if err := w.exec(ctx, q.query, q.args...); err != nil {
			return err
		}
	}
	return nil
}

// event replaces one event and its entity rows.
//
// An event is written again each time it gains an article, and its
// entities then mostly stay as they were, only their mentions growing. So
// rather than replacing all its event_entities rows, event compares the new
// entities with the stored ones and writes only what differs; the rows end
// up as a fresh write would leave them. Spellings the stored entities had
// are in entity_spellings already.
func (w *writer) event(ctx context.Context, e report.Event) error {
	data, err := json.Marshal(eventData{e.DateSource, e.DateConfidence, e.Summary, e.Entities, e.Sources})
	if err != nil {
		return err
	}
	words := []string{e.Title}
	for _, s := range e.Summary {
		words = append(words, s.Text)
	}
	search := searchText(words...)
	// An event that grows mostly keeps its storyline and date, the columns
	// of its indexes: updating only the other columns leaves those indexes
	// be, where setting a column, even to its value, rewrites its entries.
	stored, err := w.prepare(ctx, `SELECT storyline, date FROM events WHERE id = ?`)
	if err != nil {
		return err
	}
	var storyline string
	var date *string
	switch found := stored.QueryRowContext(ctx, e.ID).Scan(&storyline, &date); {
	case errors.Is(found, sql.ErrNoRows):
		w.seq++
		err = w.exec(ctx, `INSERT INTO events (id, seq, storyline, date, title, data, search) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			e.ID, w.seq, e.Storyline, e.Date, e.Title, string(data), search)
	case found != nil:
		return found
	case storyline == e.Storyline && equalDates(date, e.Date):
		err = w.exec(ctx, `UPDATE events SET title = ?, data = ?, search = ? WHERE id = ?`, e.Title, string(data), search, e.ID)
	default:
		err = w.exec(ctx, `UPDATE events SET storyline = ?, date = ?, title = ?, data = ?, search = ? WHERE id = ?`,
			e.Storyline, e.Date, e.Title, string(data), search, e.ID)
	}
	if err != nil {
		return err
	}
	old, err := w.entityRows(ctx, e.ID)
	if err != nil {
		return err
	}
	known := map[entityRow]bool{}
	for _, r := range old {
		known[r.spelled()] = true
	}
	for i, en := range e.Entities {
		aliases, err := json.Marshal(en.Aliases)
		if err != nil {
			return err
		}
		key := en.Key
		if key == "" {
			key = en.Type + ":" + strings.ToLower(en.Name)
		}
		spelled := spellings(en.Name, en.Aliases)
		row := entityRow{key: key, name: en.Name, typ: en.Type, mentions: en.Mentions, aliases: string(aliases)}
		search := "\n" + strings.Join(spelled, "\n") + "\n"
		switch {
		case i >= len(old):
			err = w.exec(ctx, `INSERT INTO event_entities (event_id, pos, key, name, type, mentions, aliases, search)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				e.ID, i, row.key, row.name, row.typ, row.mentions, row.aliases, search)
		case row == old[i]:
			// Unchanged.
		case row.sameButMentions(old[i]):
			// The common change as an event grows; it leaves the key index be.
			err = w.exec(ctx, `UPDATE event_entities SET mentions = ? WHERE event_id = ? AND pos = ?`, row.mentions, e.ID, i)
		default:
			err = w.exec(ctx, `UPDATE event_entities SET key = ?, name = ?, type = ?, mentions = ?, aliases = ?, search = ?
				WHERE event_id = ? AND pos = ?`,
				row.key, row.name, row.typ, row.mentions, row.aliases, search, e.ID, i)
		}
		if err != nil {
			return fmt.Errorf("entity %q: %w", en.Name, err)
		}
		if known[row.spelled()] {
			continue
		}
		for _, n := range append(spelled, strings.ToLower(key)) {
			if err := w.exec(ctx, insertSpelling, n, key); err != nil {
				return fmt.Errorf("entity %q: spelling %q: %w", en.Name, n, err)
			}
		}
	}
	if len(old) > len(e.Entities) {
		if err := w.exec(ctx, `DELETE FROM event_entities WHERE event_id = ? AND pos >= ?`, e.ID, len(e.Entities)); err != nil {
			return err
		}
	}
	return nil
}

// equalDates reports whether two optional dates are the same.
func equalDates(a, b *string) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// An entityRow is what a row of event_entities holds beside its event,
// position and search text, which follows from name and aliases.
type entityRow struct {
	key, name, typ string
	mentions       int
	aliases        string // JSON array
}

// sameButMentions reports whether r and o differ at most in mentions.
func (r entityRow) sameButMentions(o entityRow) bool {
	o.mentions = r.mentions
	return r == o
}

// spelled returns what of r decides its rows in entity_spellings: its key,
// name and aliases.
func (r entityRow) spelled() entityRow {
	return entityRow{key: r.key, name: r.name, aliases: r.aliases}
}

// entityRows returns the stored entity rows of an event in position order.
// Commit numbers an event's rows 0, 1, 2, ..., so the i-th has position i.
func (w *writer) entityRows(ctx context.Context, event string) ([]entityRow, error) {
	stmt, err := w.prepare(ctx, `SELECT key, name, type, mentions, aliases FROM event_entities WHERE event_id = ? ORDER BY pos`)
	if err != nil {
		return nil, err
	}
	rows, err := stmt.QueryContext(ctx, event)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var old []entityRow
	for rows.Next() {
		var r entityRow
		if err := rows.Scan(&r.key, &r.name, &r.typ, &r.mentions, &r.aliases); err != nil {
			return nil, err
		}
		old = append(old, r)
	}
	return old, rows.Err()
}

// spellings returns the lower-cased name and aliases of an entity: its
// search text lists them, and they and its lower-cased key are its rows in
// entity_spellings.
func spellings(name string, aliases []string) []string {
	names := []string{strings.ToLower(name)}
	for _, al := range aliases {
		names = append(names, strings.ToLower(al))
	}
	return names
}

// storyline replaces one storyline.
func (w *writer) storyline(ctx context.Context, sl report.Storyline) error {
	timeline, err := json.Marshal(sl.Timeline)
	if err != nil {
		return err
	}
	entities, err := json.Marshal(sl.Entities)
	if err != nil {
		return err
	}
	return w.exec(ctx, `
		INSERT INTO storylines (id, title, timeline, entities, updated) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET title = excluded.title, timeline = excluded.timeline,
			entities = excluded.entities, updated = excluded.updated`,
		sl.ID, sl.Title, string(timeline), string(entities), w.commit)
}

// exec runs one statement of the transaction. Each query is prepared once
// per Commit, batches running the same few queries thousands of times; the
// transaction's end closes the statements.
func (w *writer) exec(ctx context.Context, query string, args ...any) error {
	if err := checkText(args); err != nil {
		return err
	}
	stmt, err := w.prepare(ctx, query)
	if err != nil {
		return err
	}
	_, err = stmt.ExecContext(ctx, args...)
	return err
}

// prepare returns the transaction's statement for query, preparing it the
// first time.
func (w *writer) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	if stmt := w.stmts[query]; stmt != nil {
		return stmt, nil
	}
	stmt, err := w.tx.PrepareContext(ctx, w.rebind(query))
	if err != nil {
		return nil, err
	}
	w.stmts[query] = stmt
	return stmt, nil
}

// checkText rejects strings PostgreSQL cannot store as text, which SQLite
// would take: the backends must agree on what a Commit accepts.
func checkText(args []any) error {
	for _, a := range args {
		var s string
		switch a := a.(type) {
		case string:
			s = a
		case *string:
			if a == nil {
				continue
			}
			s = *a
		default:
			continue
		}
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return fmt.Errorf("text %.40q is not valid UTF-8 or holds a NUL byte: %w", s, ErrInvalid)
		}
	}
	return nil
}

// words splits s into lower-cased runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// searchText is the form of texts that EventQuery.Q searches: their words
// separated by single spaces, with a space at each end, so that
// LIKE '% word %' matches whole words.
func searchText(texts ...string) string {
	var all []string
	for _, t := range texts {
		all = append(all, words(t)...)
	}
	return " " + strings.Join(all, " ") + " "
}
