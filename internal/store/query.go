package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"storyline/internal/report"
)

// A querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// State returns the last committed pipeline state.
func (s *db) State(ctx context.Context) ([]byte, error) {
	var set bool
	var state []byte
	err := s.QueryRowContext(ctx, `SELECT state IS NOT NULL, state FROM meta WHERE id = 1`).Scan(&set, &state)
	if err != nil {
		return nil, fmt.Errorf("store: state: %w", err)
	}
	if set && state == nil {
		state = []byte{} // an empty state was committed, which is not no state
	}
	return state, nil
}

// Position returns the last committed stream position.
func (s *db) Position(ctx context.Context) (int64, error) {
	var pos int64
	if err := s.QueryRowContext(ctx, `SELECT position FROM meta WHERE id = 1`).Scan(&pos); err != nil {
		return 0, fmt.Errorf("store: position: %w", err)
	}
	return pos, nil
}

// HasArticle reports whether the article is stored.
func (s *db) HasArticle(ctx context.Context, id string) (bool, error) {
	var n int
	err := s.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*) FROM articles WHERE id = ?`), id).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: article %s: %w", id, err)
	}
	return n > 0, nil
}

// reportColumns are the columns of a report.Article, for scanReport.
const reportColumns = `a.id, a.title, a.date, a.date_source, a.url, a.source, a.event_id, a.duplicate_of, a.explain, a.author`

// articleColumns are what scanArticle reads. An article's storyline is its
// event's, which storyline merges change without the article being
// committed again.
const articleColumns = reportColumns + `, a.body, a.lang, a.origin,
	CASE WHEN e.id IS NULL THEN a.storyline ELSE e.storyline END, a.added, a.raw_title, a.raw_date, a.seq
	FROM articles a LEFT JOIN events e ON e.id = a.event_id`

type scanner interface{ Scan(...any) error }

// scanReport scans reportColumns into a, then the rest of the row into
// more.
func scanReport(row scanner, a *report.Article, more ...any) error {
	var date, explain sql.NullString
	dest := []any{&a.ID, &a.Title, &date, &a.DateSource, &a.URL, &a.Source, &a.Event, &a.DuplicateOf, &explain, &a.Author}
	if err := row.Scan(append(dest, more...)...); err != nil {
		return err
	}
	if date.Valid {
		a.Date = &date.String
	}
	if explain.Valid {
		a.Explain = new(report.Explain)
		if err := json.Unmarshal([]byte(explain.String), a.Explain); err != nil {
			return fmt.Errorf("article %s: explain: %w", a.ID, err)
		}
	}
	return nil
}

func scanArticle(row scanner) (Article, error) {
	var a Article
	var added int64
	err := scanReport(row, &a.Article, &a.Text, &a.Lang, &a.Origin, &a.Storyline, &added, &a.Raw.Title, &a.Raw.Date, &a.Seq)
	a.Added = time.Unix(0, added).UTC()
	return a, err
}

// Article returns one article.
func (s *db) Article(ctx context.Context, id string) (Article, error) {
	a, err := scanArticle(s.QueryRowContext(ctx, s.rebind(`SELECT `+articleColumns+` WHERE a.id = ?`), id))
	if err != nil {
		return Article{}, fmt.Errorf("store: article %s: %w", id, notFound(err))
	}
	return a, nil
}

// Articles returns a page of articles in storage order.
func (s *db) Articles(ctx context.Context, after int64, limit int) ([]Article, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	rows, err := s.QueryContext(ctx, s.rebind(`SELECT `+articleColumns+` WHERE a.seq > ? ORDER BY a.seq LIMIT ?`), after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: articles: %w", err)
	}
	defer rows.Close()
	out := []Article{}
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("store: articles: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: articles: %w", err)
	}
	return out, nil
}

// articlesOf fills in the events' articles, in arrival order.
func (s *db) articlesOf(ctx context.Context, q querier, events []report.Event) error {
	if len(events) == 0 {
		return nil
	}
	byID := make(map[string]*report.Event, len(events))
	args := make([]any, len(events))
	for i := range events {
		events[i].Articles = []report.Article{}
		byID[events[i].ID] = &events[i]
		args[i] = events[i].ID
	}
	rows, err := q.QueryContext(ctx, s.rebind(`SELECT `+reportColumns+` FROM articles a
		WHERE a.event_id IN (?`+strings.Repeat(", ?", len(args)-1)+`) ORDER BY a.seq`), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a report.Article
		if err := scanReport(rows, &a); err != nil {
			return err
		}
		e := byID[a.Event]
		e.Articles = append(e.Articles, a)
	}
	return rows.Err()
}

const eventColumns = `e.id, e.storyline, e.date, e.title, e.data FROM events e`

// events runs a query selecting eventColumns and fills in the articles.
func (s *db) events(ctx context.Context, q querier, query string, args ...any) ([]report.Event, error) {
	rows, err := q.QueryContext(ctx, s.rebind(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	events := []report.Event{}
	for rows.Next() {
		var e report.Event
		var date sql.NullString
		var data string
		if err := rows.Scan(&e.ID, &e.Storyline, &date, &e.Title, &data); err != nil {
			return nil, err
		}
		if date.Valid {
			e.Date = &date.String
		}
		var d eventData
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			return nil, fmt.Errorf("event %s: %w", e.ID, err)
		}
		e.DateSource, e.DateConfidence, e.Summary, e.Entities, e.Sources = d.DateSource, d.DateConfidence, d.Summary, d.Entities, d.Sources
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return events, s.articlesOf(ctx, q, events)
}

// Event returns one event with its articles.
func (s *db) Event(ctx context.Context, id string) (report.Event, error) {
	var events []report.Event
	err := s.readTx(ctx, func(tx *sql.Tx) (err error) {
		events, err = s.events(ctx, tx, `SELECT `+eventColumns+` WHERE e.id = ?`, id)
		return err
	})
	if err == nil && len(events) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return report.Event{}, fmt.Errorf("store: event %s: %w", id, err)
	}
	return events[0], nil
}

// Redirect returns where a merged event's articles are now.
func (s *db) Redirect(ctx context.Context, id string) (string, error) {
	var target string
	err := s.QueryRowContext(ctx, s.rebind(`SELECT target FROM event_redirects WHERE id = ?`), id).Scan(&target)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: redirect of event %s: %w", id, err)
	}
	return target, nil
}

// Events returns the events q selects.
func (s *db) Events(ctx context.Context, q EventQuery) ([]report.Event, error) {
	var where []string
	var args []any
	for _, bound := range []struct{ date, cond string }{{q.From, "e.date >= ?"}, {q.To, "e.date <= ?"}} {
		if bound.date == "" {
			continue
		}
		if !validDate(&bound.date) {
			return nil, fmt.Errorf("store: events: date %q is not YYYY-MM-DD: %w", bound.date, ErrInvalid)
		}
		where = append(where, bound.cond) // also false for undated events
		args = append(args, bound.date)
	}
	if q.Entity != "" {
		// Through the entity's key, so that any of its spellings finds all
		// of its events, as in Entities.
		where = append(where, `e.id IN (SELECT ee.event_id FROM entity_spellings n JOIN event_entities ee ON ee.key = n.key WHERE n.name = ?)`)
		args = append(args, strings.ToLower(q.Entity))
	}
	for _, w := range words(q.Q) {
		where = append(where, `(e.search LIKE ? OR EXISTS (SELECT 1 FROM articles a WHERE a.event_id = e.id AND a.search LIKE ?))`)
		args = append(args, "% "+w+" %", "% "+w+" %") // words hold no LIKE wildcards
	}
	if q.Storyline != "" {
		where = append(where, `e.storyline = ?`)
		args = append(args, q.Storyline)
	}
	query := `SELECT ` + eventColumns
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit, offset := q.Page.window()
	query += ` ORDER BY e.date DESC NULLS LAST, e.seq DESC LIMIT ? OFFSET ?`
	args = append(args, limit, offset)

	var events []report.Event
	err := s.readTx(ctx, func(tx *sql.Tx) (err error) {
		events, err = s.events(ctx, tx, query, args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	return events, nil
}

// window returns the page's limit and offset, defaults applied.
func (p Page) window() (limit, offset int) {
	limit = p.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	return min(limit, MaxLimit), max(p.Offset, 0)
}

// Storyline returns one storyline with its events.
func (s *db) Storyline(ctx context.Context, id string) (report.Storyline, error) {
	sl := report.Storyline{ID: id}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var timeline, entities string
		err := tx.QueryRowContext(ctx, s.rebind(`SELECT title, timeline, entities FROM storylines WHERE id = ?`), id).
			Scan(&sl.Title, &timeline, &entities)
		if err != nil {
			return notFound(err)
		}
		if err := json.Unmarshal([]byte(timeline), &sl.Timeline); err != nil {
			return fmt.Errorf("timeline: %w", err)
		}
		if err := json.Unmarshal([]byte(entities), &sl.Entities); err != nil {
			return fmt.Errorf("entities: %w", err)
		}
		sl.Events, err = s.events(ctx, tx, `SELECT `+eventColumns+` WHERE e.storyline = ? ORDER BY e.date NULLS LAST, e.seq`, id)
		return err
	})
	if err != nil {
		return report.Storyline{}, fmt.Errorf("store: storyline %s: %w", id, err)
	}
	return sl, nil
}

// summaryEntities is how many entities a StorylineSummary lists.
const summaryEntities = 5

// Storylines returns a page of storyline summaries.
func (s *db) Storylines(ctx context.Context, p Page) ([]StorylineSummary, error) {
	limit, offset := p.window()
	// The inner query orders all storylines by an index lookup each; only
	// the page's rows have their events and articles counted.
	rows, err := s.QueryContext(ctx, s.rebind(`
		SELECT p.id, p.title, p.entities,
			(SELECT COUNT(*) FROM events e WHERE e.storyline = p.id),
			(SELECT COUNT(*) FROM events e JOIN articles a ON a.event_id = e.id WHERE e.storyline = p.id),
			(SELECT MIN(e.date) FROM events e WHERE e.storyline = p.id),
			p.last
		FROM (
			SELECT s.id, s.title, s.entities, s.updated,
				(SELECT MAX(e.date) FROM events e WHERE e.storyline = s.id) AS last
			FROM storylines s
			ORDER BY last DESC NULLS LAST, s.updated DESC, s.id
			LIMIT ? OFFSET ?
		) p
		ORDER BY p.last DESC NULLS LAST, p.updated DESC, p.id`), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: storylines: %w", err)
	}
	defer rows.Close()
	out := []StorylineSummary{}
	for rows.Next() {
		var sum StorylineSummary
		var entities string
		var first, last sql.NullString
		if err := rows.Scan(&sum.ID, &sum.Title, &entities, &sum.Events, &sum.Articles, &first, &last); err != nil {
			return nil, fmt.Errorf("store: storylines: %w", err)
		}
		if first.Valid {
			sum.First, sum.Last = &first.String, &last.String
		}
		if err := json.Unmarshal([]byte(entities), &sum.Entities); err != nil {
			return nil, fmt.Errorf("store: storyline %s: entities: %w", sum.ID, err)
		}
		sum.Entities = append([]report.Entity{}, sum.Entities[:min(len(sum.Entities), summaryEntities)]...)
		out = append(out, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: storylines: %w", err)
	}
	return out, nil
}

// Entities returns the entities matching q, merged by key across events.
func (s *db) Entities(ctx context.Context, q string, limit int) ([]EntityCount, error) {
	limit, _ = Page{Limit: limit}.window()
	out := []EntityCount{}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.rebind(`
			SELECT key, COUNT(DISTINCT event_id), SUM(mentions) FROM event_entities
			WHERE key IN (SELECT key FROM event_entities WHERE search LIKE ? ESCAPE '\')
			GROUP BY key
			ORDER BY COUNT(DISTINCT event_id) DESC, SUM(mentions) DESC, key
			LIMIT ?`), "%"+escapeLike(strings.ToLower(q))+"%", limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e EntityCount
			if err := rows.Scan(&e.Key, &e.Events, &e.Mentions); err != nil {
				return err
			}
			out = append(out, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return s.names(ctx, tx, out)
	})
	if err != nil {
		return nil, fmt.Errorf("store: entities %q: %w", q, err)
	}
	return out, nil
}

// names fills in each entity's name, type and aliases from the spellings
// its events used: the longest name, as storylines choose theirs, and the
// type most mentioned.
func (s *db) names(ctx context.Context, tx *sql.Tx, ents []EntityCount) error {
	if len(ents) == 0 {
		return nil
	}
	type spelling struct {
		name, typ string
		mentions  int
	}
	spellings := map[string][]spelling{}
	aliases := map[string]map[string]bool{}
	args := make([]any, len(ents))
	for i, e := range ents {
		args[i] = e.Key
		aliases[e.Key] = map[string]bool{}
	}
	// Events that spelled an entity alike share a row here.
	rows, err := tx.QueryContext(ctx, s.rebind(`SELECT key, name, type, aliases, SUM(mentions) FROM event_entities
		WHERE key IN (?`+strings.Repeat(", ?", len(args)-1)+`) GROUP BY key, name, type, aliases`), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key, js string
		var sp spelling
		if err := rows.Scan(&key, &sp.name, &sp.typ, &js, &sp.mentions); err != nil {
			return err
		}
		var als []string
		if err := json.Unmarshal([]byte(js), &als); err != nil {
			return fmt.Errorf("entity %s: aliases: %w", key, err)
		}
		spellings[key] = append(spellings[key], sp)
		aliases[key][sp.name] = true
		for _, a := range als {
			aliases[key][a] = true
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range ents {
		e := &ents[i]
		sps := spellings[e.Key]
		longest := slices.MaxFunc(sps, func(a, b spelling) int {
			return cmp.Or(cmp.Compare(len(a.name), len(b.name)), cmp.Compare(a.mentions, b.mentions), strings.Compare(b.name, a.name))
		})
		types := map[string]int{}
		for _, sp := range sps {
			types[sp.typ] += sp.mentions
		}
		e.Name = longest.name
		e.Type = slices.MaxFunc(slices.Sorted(maps.Keys(types)), func(a, b string) int {
			return cmp.Or(cmp.Compare(types[a], types[b]), strings.Compare(b, a))
		})
		delete(aliases[e.Key], e.Name)
		e.Aliases = slices.Sorted(maps.Keys(aliases[e.Key]))
		if e.Aliases == nil {
			e.Aliases = []string{}
		}
	}
	return nil
}

// escapeLike quotes LIKE's wildcards, with \ as the escape character.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Stats counts what is stored.
func (s *db) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := s.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM storylines),
		(SELECT COUNT(*) FROM articles WHERE duplicate_of <> '')`).
		Scan(&st.Articles, &st.Events, &st.Storylines, &st.Duplicates)
	if err != nil {
		return Stats{}, fmt.Errorf("store: stats: %w", err)
	}
	return st, nil
}
