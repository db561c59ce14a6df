package queue

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"storyline/internal/analyze"
	"storyline/internal/article"
	"storyline/internal/dedupe"
	"storyline/internal/entity"
)

// Version is the version of the wire format (docs/wire-format.md) this
// program writes and the only one it reads. Adding an optional field keeps
// the version; any change a reader must understand bumps it.
const Version = 1

// The kinds of job.
const (
	KindArticle = "article" // an article given in full
	KindPage    = "page"    // the web page at URL, one article
	KindFeed    = "feed"    // the RSS, Atom or JSON feed at URL, an article per item
)

// A Job asks a worker for analysed articles.
type Job struct {
	V       int      `json:"v"`
	Kind    string   `json:"kind"`
	Article *Article `json:"article,omitempty"` // KindArticle
	URL     string   `json:"url,omitempty"`     // KindPage, KindFeed
}

// An Article is an article.Article on the wire: its fields as read, less
// the evaluation labels (Gold), which ingestion ignores.
type Article struct {
	ID     string `json:"id"`
	Title  string `json:"title,omitempty"`
	Text   string `json:"text,omitempty"`
	Date   string `json:"date,omitempty"` // YYYY-MM-DD
	URL    string `json:"url,omitempty"`
	Source string `json:"source,omitempty"`
	Author string `json:"author,omitempty"`
	Lang   string `json:"lang,omitempty"`
	Origin string `json:"origin,omitempty"`
}

// An Analyzed message carries an article and its analysis, everything the
// writer needs to place it without analysing it again.
type Analyzed struct {
	V        int      `json:"v"`
	Article  Article  `json:"article"`
	Document Document `json:"document"`
}

// A Document is an analyze.Document less its Article (which travels beside
// it). Times are RFC 3339 in UTC, "" for none; term vectors are parallel
// arrays of term ids and weights.
type Document struct {
	Headline     string    `json:"headline,omitempty"`
	Sentences    []string  `json:"sentences"`
	Noise        []Removed `json:"noise"`
	Body         Vector    `json:"body"`
	Lead         Vector    `json:"lead"`
	Entities     []Entity  `json:"entities"`
	Shingles     Signature `json:"shingles"`
	Date         string    `json:"date,omitempty"`
	DateSource   string    `json:"date_source"`
	EventDay     string    `json:"event_day,omitempty"`
	EventDayConf float64   `json:"event_day_conf,omitempty"`
	Days         []string  `json:"days"`
	Years        []int     `json:"years,omitempty"`
	Numbers      []string  `json:"numbers,omitempty"`
}

// Removed is a paragraph analysis took out of the prose, and why.
type Removed struct {
	Text string `json:"text"`
	Why  string `json:"why"`
}

// A Vector is an analyze.Vector: IDs[i] has weight W[i], IDs ascending.
// Term ids are unsigned 64-bit integers (readers in languages whose numbers
// are doubles must decode them as such).
type Vector struct {
	IDs []uint64  `json:"ids"`
	W   []float32 `json:"w"`
}

// An Entity is an entity.Entity.
type Entity struct {
	Name          string   `json:"name"`
	Key           string   `json:"key,omitempty"`
	Type          string   `json:"type"`
	Aliases       []string `json:"aliases,omitempty"`
	Mentions      int      `json:"mentions"`
	FirstSentence int      `json:"first_sentence"`
	InTitle       bool     `json:"in_title,omitempty"`
	Salience      float64  `json:"salience"`
}

// A Signature is a dedupe.Signature: dedupe.NumHashes MinHash values and
// the number of shingles.
type Signature struct {
	Mins     []uint32 `json:"mins"`
	Shingles int      `json:"count"`
}

// ArticleJob returns the job of analysing a.
func ArticleJob(a article.Article) Job {
	w := wireArticle(a)
	return Job{V: Version, Kind: KindArticle, Article: &w}
}

// URLJob returns the job of reading the page or feed (kind) at url.
func URLJob(kind, url string) Job {
	return Job{V: Version, Kind: kind, URL: url}
}

// DecodeJob reads a job, checking its version and fields.
func DecodeJob(data []byte) (Job, error) {
	var j Job
	if err := decode(data, &j, &j.V); err != nil {
		return Job{}, err
	}
	switch j.Kind {
	case KindArticle:
		if j.Article == nil || j.Article.ID == "" {
			return Job{}, errors.New("article job without an article id")
		}
		if _, err := j.Article.article(); err != nil {
			return Job{}, err
		}
	case KindPage, KindFeed:
		if j.URL == "" {
			return Job{}, fmt.Errorf("%s job without a url", j.Kind)
		}
	default:
		return Job{}, fmt.Errorf("unknown job kind %q", j.Kind)
	}
	return j, nil
}

// decode reads a message of this version. Version 0 never existed: it is
// what a message without "v" decodes to.
func decode(data []byte, v any, version *int) error {
	if err := json.Unmarshal(data, v); err != nil {
		var head struct {
			V int `json:"v"`
		}
		var syntax *json.SyntaxError
		switch {
		case errors.As(err, &syntax):
			return fmt.Errorf("not JSON: %w", err)
		case json.Unmarshal(data, &head) == nil && head.V != Version && head.V != 0:
			// Another version may well have other types.
			return fmt.Errorf("wire version %d, this program reads %d", head.V, Version)
		}
		return fmt.Errorf("malformed message: %w", err)
	}
	switch *version {
	case Version:
		return nil
	case 0:
		return errors.New("no version (v)")
	}
	return fmt.Errorf("wire version %d, this program reads %d", *version, Version)
}

// EncodeAnalyzed returns the message carrying d.
func EncodeAnalyzed(d *analyze.Document) ([]byte, error) {
	m := Analyzed{V: Version, Article: wireArticle(d.Article), Document: Document{
		Headline:     d.Headline,
		Sentences:    d.Sentences,
		Body:         wireVector(d.Body),
		Lead:         wireVector(d.Lead),
		Entities:     makeLike[Entity](d.Entities),
		Shingles:     Signature{Mins: d.Shingles.Mins[:], Shingles: d.Shingles.Shingles},
		Date:         wireTime(d.Date),
		DateSource:   string(d.DateSource),
		EventDay:     wireTime(d.EventDay),
		EventDayConf: d.EventDayConf,
		Years:        d.Years,
		Numbers:      d.Numbers,
	}}
	m.Document.Noise = makeLike[Removed](d.Noise)
	for i, n := range d.Noise {
		m.Document.Noise[i] = Removed{n.Text, string(n.Why)}
	}
	for i, e := range d.Entities {
		m.Document.Entities[i] = Entity{e.Name, e.Key, string(e.Type), e.Aliases, e.Mentions, e.FirstSentence, e.InTitle, e.Salience}
	}
	m.Document.Days = makeLike[string](d.Days)
	for i, day := range d.Days {
		m.Document.Days[i] = wireTime(day)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("queue: encode article %s: %w", d.Article.ID, err)
	}
	return b, nil
}

// DecodeAnalyzed reads a message made by EncodeAnalyzed and returns the
// document it carries, equal to the one encoded.
func DecodeAnalyzed(data []byte) (analyze.Document, error) {
	var m Analyzed
	if err := decode(data, &m, &m.V); err != nil {
		return analyze.Document{}, err
	}
	a, err := m.Article.article()
	if err != nil {
		return analyze.Document{}, err
	}
	if a.ID == "" {
		return analyze.Document{}, errors.New("article without an id")
	}
	w := m.Document
	d := analyze.Document{
		Article:      a,
		Headline:     w.Headline,
		Sentences:    w.Sentences,
		DateSource:   analyze.DateSource(w.DateSource),
		EventDayConf: w.EventDayConf,
		Years:        w.Years,
		Numbers:      w.Numbers,
	}
	if d.Body, err = w.Body.vector(); err != nil {
		return analyze.Document{}, fmt.Errorf("body: %w", err)
	}
	if d.Lead, err = w.Lead.vector(); err != nil {
		return analyze.Document{}, fmt.Errorf("lead: %w", err)
	}
	if len(w.Shingles.Mins) != dedupe.NumHashes {
		return analyze.Document{}, fmt.Errorf("shingles: %d MinHash values, want %d", len(w.Shingles.Mins), dedupe.NumHashes)
	}
	copy(d.Shingles.Mins[:], w.Shingles.Mins)
	d.Shingles.Shingles = w.Shingles.Shingles
	d.Noise = makeLike[analyze.Removed](w.Noise)
	for i, n := range w.Noise {
		d.Noise[i] = analyze.Removed{Text: n.Text, Why: analyze.Noise(n.Why)}
	}
	d.Entities = makeLike[entity.Entity](w.Entities)
	for i, e := range w.Entities {
		d.Entities[i] = entity.Entity{
			Name: e.Name, Key: e.Key, Type: entity.Type(e.Type), Aliases: e.Aliases, Mentions: e.Mentions,
			FirstSentence: e.FirstSentence, InTitle: e.InTitle, Salience: e.Salience,
		}
	}
	times := []struct {
		name string
		s    string
		t    *time.Time
	}{{"date", w.Date, &d.Date}, {"event_day", w.EventDay, &d.EventDay}}
	for _, x := range times {
		if *x.t, err = parseTime(x.s); err != nil {
			return analyze.Document{}, fmt.Errorf("%s: %w", x.name, err)
		}
	}
	d.Days = makeLike[time.Time](w.Days)
	for i, s := range w.Days {
		if d.Days[i], err = parseTime(s); err != nil {
			return analyze.Document{}, fmt.Errorf("days: %w", err)
		}
	}
	return d, nil
}

func wireArticle(a article.Article) Article {
	w := Article{ID: a.ID, Title: a.Title, Text: a.Text, URL: a.URL, Source: a.Source, Author: a.Author, Lang: a.Lang, Origin: a.Origin}
	if a.HasDate() {
		// A publication date is a day (see article.Article), which is also
		// all the store keeps to replay the article with.
		w.Date = a.Date.UTC().Format(time.DateOnly)
	}
	return w
}

func (w Article) article() (article.Article, error) {
	a := article.Article{ID: w.ID, Title: w.Title, Text: w.Text, URL: w.URL, Source: w.Source, Author: w.Author, Lang: w.Lang, Origin: w.Origin}
	if w.Date != "" {
		d, err := time.Parse(time.DateOnly, w.Date)
		if err != nil {
			return article.Article{}, fmt.Errorf("article %s: date: %w", w.ID, err)
		}
		a.Date = d
	}
	return a, nil
}

// makeLike returns a slice as long as s, nil when s is nil: JSON tells
// null from [], and so the decoded document keeps the difference.
func makeLike[T, S any](s []S) []T {
	if s == nil {
		return nil
	}
	return make([]T, len(s))
}

func wireVector(v analyze.Vector) Vector {
	w := Vector{IDs: makeLike[uint64](v), W: makeLike[float32](v)}
	for i, t := range v {
		w.IDs[i], w.W[i] = t.ID, t.W
	}
	return w
}

func (w Vector) vector() (analyze.Vector, error) {
	if len(w.IDs) != len(w.W) {
		return nil, fmt.Errorf("%d term ids but %d weights", len(w.IDs), len(w.W))
	}
	v := makeLike[analyze.Term](w.IDs)
	for i := range v {
		if i > 0 && w.IDs[i] <= w.IDs[i-1] {
			return nil, errors.New("term ids not ascending")
		}
		v[i] = analyze.Term{ID: w.IDs[i], W: w.W[i]}
	}
	return v, nil
}

func wireTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC(), err
}

func encodeJob(j Job) ([]byte, error) {
	j.V = Version
	b, err := json.Marshal(j)
	if err != nil {
		return nil, fmt.Errorf("queue: encode %s job: %w", j.Kind, err)
	}
	return b, nil
}
