package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"storyline/internal/ingest"
	"storyline/internal/report"
	"storyline/internal/store"
)

// postArticles adds one article, or an array of them, and answers where
// each landed. Every article is checked before any is placed, so a request
// is stored whole or not at all. With a queue, valid articles are queued
// instead, and the answer is 202 with their tracking ids. A read-only
// server answers 503 before reading anything.
func (s *server) postArticles(w http.ResponseWriter, r *http.Request) {
	if err := s.readOnly(); err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Content-Type is %q: want application/json", r.Header.Get("Content-Type")))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", s.opts.MaxBodyBytes))
			return
		}
		writeError(w, http.StatusBadRequest, "reading body: "+err.Error())
		return
	}
	arts, problems, err := decodeArticles(body, s.opts.MaxArticles, time.Now())
	switch {
	case errors.Is(err, errTooMany):
		writeError(w, http.StatusRequestEntityTooLarge, err.Error())
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, err.Error())
		return
	case len(problems) > 0:
		writeJSON(w, http.StatusBadRequest, apiError{
			Error:    fmt.Sprintf("%d problem(s) in the submitted articles; nothing was stored", len(problems)),
			Problems: problems,
		})
		return
	}
	if s.queue != nil {
		s.enqueue(w, r, arts)
		return
	}
	// Once a valid batch is being placed, finish it even if the client
	// goes away: an abandoned commit makes the ingester replay the whole
	// store to forget what it had placed.
	landed, err := s.in.Add(context.WithoutCancel(r.Context()), arts)
	if err != nil {
		s.failure(w, r, "articles", err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Landed []ingest.Landing `json:"landed"`
	}{landed})
}

// readOnly says why the server takes no articles now, or nil.
func (s *server) readOnly() error {
	if s.queue != nil {
		return nil
	}
	if s.opts.ReadOnly != nil {
		if err := s.opts.ReadOnly(); err != nil {
			return err
		}
	}
	if s.in == nil {
		return errors.New("this server is read-only: it does not accept articles")
	}
	return nil
}

// storedArticle is the JSON form of a stored article: the report's fields
// plus its text, language, storyline and when it was stored.
type storedArticle struct {
	report.Article
	Text      string    `json:"text"`
	Lang      string    `json:"lang,omitempty"`
	Storyline string    `json:"storyline,omitempty"`
	Added     time.Time `json:"added"`
}

func (s *server) getArticle(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	a, err := s.st.Article(r.Context(), id)
	if err != nil {
		s.failure(w, r, "article "+strconv.Quote(id), err)
		return
	}
	writeJSON(w, http.StatusOK, storedArticle{Article: a.Article, Text: a.Text, Lang: a.Lang, Storyline: a.Storyline, Added: a.Added})
}

func (s *server) listStorylines(w http.ResponseWriter, r *http.Request) {
	page, err := pageOf(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	list, err := s.st.Storylines(r.Context(), page)
	if err != nil {
		s.failure(w, r, "storylines", err)
		return
	}
	for i := range list {
		if list[i].Entities == nil {
			list[i].Entities = []report.Entity{}
		}
	}
	writeJSON(w, http.StatusOK, struct {
		Storylines []store.StorylineSummary `json:"storylines"`
	}{list})
}

func (s *server) getStoryline(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	sl, err := s.st.Storyline(r.Context(), id)
	if err != nil {
		s.failure(w, r, "storyline "+strconv.Quote(id), err)
		return
	}
	writeJSON(w, http.StatusOK, sl)
}

func (s *server) listEvents(w http.ResponseWriter, r *http.Request) {
	q, err := eventQueryOf(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	events, err := s.st.Events(r.Context(), q)
	if err != nil {
		s.failure(w, r, "events", err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Events []report.Event `json:"events"`
	}{events})
}

func (s *server) getEvent(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	e, err := s.st.Event(r.Context(), id)
	if s.movedEvent(w, r, id, err, "/api/events/") {
		return
	}
	if err != nil {
		s.failure(w, r, "event "+strconv.Quote(id), err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *server) listEntities(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	limit, err := intParam(v, "limit")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ents, err := s.st.Entities(r.Context(), v.Get("q"), limit)
	if err != nil {
		s.failure(w, r, "entities", err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Entities []store.EntityCount `json:"entities"`
	}{ents})
}

// pageOf reads limit and offset. Limits above store.MaxLimit are capped by
// the store, not refused.
func pageOf(v url.Values) (store.Page, error) {
	var p store.Page
	var err error
	if p.Limit, err = intParam(v, "limit"); err != nil {
		return p, err
	}
	p.Offset, err = intParam(v, "offset")
	return p, err
}

// intParam reads a non-negative integer parameter; absent means 0.
func intParam(v url.Values, name string) (int, error) {
	s := v.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s=%q: want a non-negative integer", name, s)
	}
	return n, nil
}

// eventQueryOf reads the event filters. Dates are checked here so that the
// error names the parameter.
func eventQueryOf(v url.Values) (store.EventQuery, error) {
	q := store.EventQuery{From: v.Get("from"), To: v.Get("to"), Entity: v.Get("entity"), Q: v.Get("q"), Storyline: v.Get("storyline")}
	for _, d := range []struct{ name, value string }{{"from", q.From}, {"to", q.To}} {
		if d.value == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.value); err != nil || len(d.value) != len(time.DateOnly) {
			return q, fmt.Errorf("%s=%q: want a date YYYY-MM-DD", d.name, d.value)
		}
	}
	var err error
	q.Page, err = pageOf(v)
	return q, err
}
