// Package store keeps what Storyline has ingested (articles, events,
// storylines and the pipeline's own state) in SQLite or PostgreSQL, so that
// a later run resumes where the last one stopped and the server answers
// queries without running the pipeline again.
//
// Both backends share one schema and one code path; they differ only in a
// few words of SQL (see dialect) and behave identically.
package store

import (
	"context"
	"errors"
	"time"

	"storyline/internal/report"
)

// ErrNotFound is returned, wrapped, when an article, event or storyline with
// the requested id is not stored.
var ErrNotFound = errors.New("store: not found")

// ErrInvalid is returned, wrapped, when a Batch or a query is malformed: an
// empty id, a date not in YYYY-MM-DD form, text that is not valid UTF-8 or
// holds a NUL byte. Callers can tell a bad request from a failing database.
var ErrInvalid = errors.New("store: invalid")

// ErrConflict is returned, wrapped, by a Commit whose PositionFrom is not
// the stored position: another writer has committed since this one read it.
var ErrConflict = errors.New("store: conflicting writer")

// A Store keeps ingested batches and answers queries about them. It is safe
// for concurrent use: readers see either all of a committed batch or none
// of it.
type Store interface {
	// Commit writes one ingested batch atomically: either all of it is
	// stored or none.
	Commit(ctx context.Context, b Batch) error
	// State returns the pipeline state saved by the last Commit that carried
	// one (nil, nil when none yet).
	State(ctx context.Context) ([]byte, error)
	// Position returns the stream position saved by the last Commit that
	// carried one (see Batch.Position); 0 when none yet.
	Position(ctx context.Context) (int64, error)
	// HasArticle reports whether an article with this id is stored.
	HasArticle(ctx context.Context, id string) (bool, error)
	// Article returns one stored article, or ErrNotFound.
	Article(ctx context.Context, id string) (Article, error)
	// Event returns one event with its articles in arrival order, or
	// ErrNotFound.
	Event(ctx context.Context, id string) (report.Event, error)
	// Events returns the events matching q, newest date first and undated
	// ones last (ties: most recently created first), each with its articles.
	Events(ctx context.Context, q EventQuery) ([]report.Event, error)
	// Storyline returns one storyline with its events (dated ones by date
	// ascending, undated last, each with its articles) and its timeline and
	// entities as committed, or ErrNotFound.
	Storyline(ctx context.Context, id string) (report.Storyline, error)
	// Storylines returns summaries of storylines, most recently active
	// first: by the date of their latest dated event, then by the commit
	// that last changed them.
	Storylines(ctx context.Context, q Page) ([]StorylineSummary, error)
	// Entities returns the entities one of whose names or aliases contains
	// q, case-insensitively, merged across events by Key; those in the most
	// events come first. A limit of 0 means 50; it is capped at 1000.
	Entities(ctx context.Context, q string, limit int) ([]EntityCount, error)
	// Articles returns up to limit stored articles with a Seq above after,
	// in the order they were first stored: the order to replay them in. A
	// limit of 0 means 50; it is not capped.
	Articles(ctx context.Context, after int64, limit int) ([]Article, error)
	// Redirect returns the id of the event that a merged event's articles
	// now belong to (see Batch.Merged), following later merges; it returns
	// ErrNotFound when id was never merged away.
	Redirect(ctx context.Context, id string) (string, error)
	// Stats counts what is stored.
	Stats(ctx context.Context) (Stats, error)
	// Close releases the database.
	Close() error
}

// A Batch is what one ingestion step produced. Commit applies, in order:
// Removed, Articles, Moves, Merged, Events, Storylines, Touched, State.
type Batch struct {
	// Articles are newly placed articles. An article id already stored is
	// replaced (an upsert), so committing the same article twice is
	// harmless; it keeps the Added time of its first commit.
	Articles []Article
	// Events are the events created or changed by this batch, in full; each
	// replaces the stored event with its id. Their Articles field is
	// ignored: an event's articles are those whose Event names it.
	Events []report.Event
	// Moves are stored articles whose placement was revised: each now
	// belongs to another event (see cluster.Move).
	Moves []Move
	// Merged are events that no longer exist, their articles having joined
	// another: each is deleted, and Redirect answers for its id from then
	// on. The batch moves the merged event's articles (Moves) and carries
	// the event they joined (Events) unless it is stored and unchanged; an
	// event of Events may not be one that the batch merges away.
	Merged []Merge
	// Storylines are the storylines created or changed, each replacing the
	// stored one with its id. Their Events field is ignored: an event's
	// storyline is the one its report in Events names, so an event that
	// moves comes in Events. (Moving every event of a long storyline at
	// each change made commits grow with the storyline.)
	Storylines []report.Storyline
	// Touched are ids of stored storylines whose events changed while
	// their stored title, names and key dates stand: they count as active
	// now (see Storylines), nothing else of them is written.
	Touched []string
	// Removed are ids of storylines that no longer exist (merged into
	// others). Removing happens first, so a batch may reuse a removed id.
	Removed []string
	// State is an opaque pipeline snapshot replacing the previous one; nil
	// leaves the stored state unchanged.
	State []byte
	// Position, when not 0, is the sequence number of the last message of
	// an input stream that this batch consumed; it replaces the stored one,
	// so that a writer fed by a stream commits its placements and its place
	// in the stream together, and resumes after Position.
	Position int64
	// PositionFrom is the position the batch continues from. When Position
	// is set, Commit fails with ErrConflict, storing nothing, unless it is
	// the stored position: a writer that lost its lock cannot overwrite what
	// its successor wrote.
	PositionFrom int64
}

// A Move says where a stored article belongs now. Explain, when not nil,
// replaces the stored explanation of its placement.
type Move struct {
	Article, Event, Storyline string
	Explain                   *report.Explain
}

// A Merge says that event From is now part of event Into.
type Merge struct{ From, Into string }

// An Article is a report.Article plus what the store keeps besides.
type Article struct {
	report.Article
	Text   string
	Lang   string
	Origin string // "path", "path:line" or URL it was read from
	// Storyline is the storyline of the article's event as last committed;
	// the value committed with the article only counts while its event is
	// not stored.
	Storyline string
	// Added is when the article was first stored; Commit sets it to the
	// time of the commit when it is zero.
	Added time.Time
	// Raw is what the article said before analysis rewrote its title and
	// date, so that the pipeline can replay it exactly.
	Raw Raw
	// Seq is the article's place in storage order, set by the store (Commit
	// ignores it): see Store.Articles.
	Seq int64
}

// Raw holds an article's fields as they were read.
type Raw struct {
	Title string
	Date  string // publication date given with the article (YYYY-MM-DD); "" when none
}

// An EventQuery selects events. Its conditions all apply.
type EventQuery struct {
	// From and To are inclusive YYYY-MM-DD bounds on the event date; empty
	// means open. When either is set, undated events are excluded.
	From, To string
	// Entity keeps events having an entity whose Key equals it, or whose
	// Key has it as name or alias in any stored event, case-insensitively:
	// as in Entities, an entity is one across events.
	Entity string
	// Q holds words that must each appear, as whole words and
	// case-insensitively, in the event title, its summary or the titles of
	// its articles.
	Q string
	// Storyline keeps the events of this storyline.
	Storyline string
	Page
}

// A Page selects a window of a result list.
type Page struct {
	Limit  int // 0 means 50; capped at 1000
	Offset int
}

// Page limits.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// A StorylineSummary describes a storyline without its events.
type StorylineSummary struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Events   int    `json:"events"`
	Articles int    `json:"articles"`
	// First and Last are the dates (YYYY-MM-DD) of its first and last dated
	// events; nil when it has none.
	First *string `json:"first"`
	Last  *string `json:"last"`
	// Entities are its five most mentioned entities.
	Entities []report.Entity `json:"entities"`
}

// An EntityCount is an entity merged by Key across the events that mention
// it, as storylines merge theirs: Name is the longest name used, Aliases
// all other names and aliases, Mentions the sum; Events counts the events.
// An entity committed without a Key gets "type:lower-cased name".
type EntityCount struct {
	report.Entity
	Events int `json:"events"`
}

// Stats counts what is stored. Duplicates are articles with a DuplicateOf.
type Stats struct {
	Articles, Events, Storylines, Duplicates int
}
