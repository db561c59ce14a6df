package server

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"storyline/internal/report"
	"storyline/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var style []byte

// uiPageSize is how many storylines or events a UI page lists.
const uiPageSize = 25

// pages holds one template set per page, each the layout plus the page's
// own "title" and "content" templates.
type pages map[string]*template.Template

var funcs = template.FuncMap{
	"day":  day,
	"join": strings.Join,
}

func parsePages() pages {
	ps := pages{}
	for _, name := range []string{"storylines", "storyline", "event", "events", "entities", "error"} {
		ps[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return ps
}

// day formats a YYYY-MM-DD date for reading ("19 May 2023").
func day(d *string) string {
	if d == nil {
		return "undated"
	}
	t, err := time.Parse(time.DateOnly, *d)
	if err != nil {
		return *d
	}
	return t.Format("2 January 2006")
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 rather than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.logFailure(r, err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errorView struct {
	Title   string
	Status  int
	Message string
}

func (s *server) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "error", errorView{Title: http.StatusText(status), Status: status, Message: msg})
}

// storeErrorPage answers a store error in the UI; what names the thing
// asked for ("event e12").
func (s *server) storeErrorPage(w http.ResponseWriter, r *http.Request, what string, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.logFailure(r, err)
	}
	s.errorPage(w, r, status, errorText(what, err))
}

func serveStyle(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(style)
}

// pager links to the neighbouring pages of a list, keeping the other query
// parameters.
type pager struct{ Prev, Next string }

// pageNumber reads the 1-based ?page parameter.
func pageNumber(v url.Values) int {
	n, err := strconv.Atoi(v.Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// newPager returns the links around page n; more says whether a next page
// has anything on it.
func newPager(v url.Values, n int, more bool) pager {
	link := func(n int) string {
		c := cloneValues(v)
		if n == 1 {
			c.Del("page")
		} else {
			c.Set("page", strconv.Itoa(n))
		}
		return "?" + c.Encode()
	}
	var p pager
	if n > 1 {
		p.Prev = link(n - 1)
	}
	if more {
		p.Next = link(n + 1)
	}
	return p
}

// cloneValues copies query values, so that building one link does not
// change another.
func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

type storylinesView struct {
	Title      string
	Storylines []store.StorylineSummary
	pager
}

func (s *server) storylinesPage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	n := pageNumber(v)
	// One more than a page tells whether there is a next page.
	list, err := s.st.Storylines(r.Context(), store.Page{Limit: uiPageSize + 1, Offset: (n - 1) * uiPageSize})
	if err != nil {
		s.storeErrorPage(w, r, "storylines", err)
		return
	}
	more := len(list) > uiPageSize
	s.render(w, r, http.StatusOK, "storylines", storylinesView{
		Title: "Storylines", Storylines: list[:min(len(list), uiPageSize)], pager: newPager(v, n, more),
	})
}

// A sentenceView is a summary sentence with the article it came from.
type sentenceView struct {
	Text    string
	Article report.Article // zero when the article is not among the event's
}

// eventView is an event with its summary attributed.
type eventView struct {
	report.Event
	Sentences []sentenceView
}

func newEventView(e report.Event) eventView {
	byID := make(map[string]report.Article, len(e.Articles))
	for _, a := range e.Articles {
		byID[a.ID] = a
	}
	ev := eventView{Event: e}
	for _, sn := range e.Summary {
		ev.Sentences = append(ev.Sentences, sentenceView{Text: sn.Text, Article: byID[sn.Article]})
	}
	return ev
}

type storylineView struct {
	Title     string
	Storyline report.Storyline
	// Dated are the timeline's rows, Undated the events without a date.
	Dated, Undated []report.Event
	// Plot draws the dated events on a time axis; nil when there are none.
	Plot     *timelinePlot
	Events   []eventView
	Articles int
}

func (s *server) storylinePage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	sl, err := s.st.Storyline(r.Context(), id)
	if err != nil {
		s.storeErrorPage(w, r, "storyline "+strconv.Quote(id), err)
		return
	}
	view := storylineView{Title: sl.Title, Storyline: sl}
	// The timeline is drawn from the events as they are now, which the
	// store orders dated-first by date, rather than from the timeline
	// committed with the storyline.
	for _, e := range sl.Events {
		if e.Date != nil {
			view.Dated = append(view.Dated, e)
		} else {
			view.Undated = append(view.Undated, e)
		}
		view.Events = append(view.Events, newEventView(e))
		view.Articles += len(e.Articles)
	}
	view.Plot = plotTimeline(view.Dated)
	s.render(w, r, http.StatusOK, "storyline", view)
}

// An articleView is an event's article, with the article it copies when it
// is a duplicate.
type articleView struct {
	report.Article
	CopyOf *report.Article
	// CopyHere is true when the copied article belongs to the same event,
	// so the page can link to it.
	CopyHere bool
}

type eventPageView struct {
	Title    string
	Event    eventView
	Articles []articleView
}

func (s *server) eventPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	e, err := s.st.Event(r.Context(), id)
	if s.movedEvent(w, r, id, err, "/events/") {
		return
	}
	if err != nil {
		s.storeErrorPage(w, r, "event "+strconv.Quote(id), err)
		return
	}
	view := eventPageView{Title: e.Title, Event: newEventView(e)}
	byID := map[string]report.Article{}
	for _, a := range e.Articles {
		byID[a.ID] = a
	}
	for _, a := range e.Articles {
		av := articleView{Article: a}
		if a.DuplicateOf != "" {
			if orig, ok := byID[a.DuplicateOf]; ok {
				av.CopyOf, av.CopyHere = &orig, true
			} else if orig, err := s.st.Article(r.Context(), a.DuplicateOf); err == nil {
				av.CopyOf = &orig.Article
			} else {
				// Name the original by id even when it cannot be read.
				av.CopyOf = &report.Article{ID: a.DuplicateOf}
			}
		}
		view.Articles = append(view.Articles, av)
	}
	s.render(w, r, http.StatusOK, "event", view)
}

type eventsView struct {
	Title               string
	Q, Entity, From, To string
	Error               string
	Events              []report.Event
	pager
}

func (s *server) eventsPage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	view := eventsView{Title: "Events", Q: v.Get("q"), Entity: v.Get("entity"), From: v.Get("from"), To: v.Get("to")}
	q, err := eventQueryOf(v)
	if err != nil {
		view.Error = err.Error()
		s.render(w, r, http.StatusBadRequest, "events", view)
		return
	}
	n := pageNumber(v)
	q.Page = store.Page{Limit: uiPageSize + 1, Offset: (n - 1) * uiPageSize}
	events, err := s.st.Events(r.Context(), q)
	if err != nil {
		s.storeErrorPage(w, r, "events", err)
		return
	}
	view.Events = events[:min(len(events), uiPageSize)]
	view.pager = newPager(v, n, len(events) > uiPageSize)
	s.render(w, r, http.StatusOK, "events", view)
}

type entitiesView struct {
	Title    string
	Q        string
	Entities []store.EntityCount
}

func (s *server) entitiesPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	ents, err := s.st.Entities(r.Context(), q, 100)
	if err != nil {
		s.storeErrorPage(w, r, "entities", err)
		return
	}
	s.render(w, r, http.StatusOK, "entities", entitiesView{Title: "Entities", Q: q, Entities: ents})
}
