// Package server serves a store over HTTP: a JSON API to add articles and to
// query events, storylines and entities, and a small server-rendered web UI
// to read them. It holds no state of its own: every answer comes from the
// store, and every write goes through the ingester.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"storyline/internal/ingest"
	"storyline/internal/store"
)

// Defaults for Options.
const (
	DefaultMaxBodyBytes = 10 << 20
	DefaultMaxArticles  = 1000
)

// Options tune a server. The zero value is usable.
type Options struct {
	// MaxBodyBytes bounds the body of POST /api/articles; 0 means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxArticles bounds how many articles one POST may carry; 0 means
	// DefaultMaxArticles.
	MaxArticles int
	// Logger receives one line per request and the errors behind 500
	// answers; nil means slog.Default().
	Logger *slog.Logger
	// Queue, when not nil, takes the articles posted to /api/articles
	// instead of the ingester: the server answers 202 with tracking ids,
	// and GET /api/articles/{id}/status follows them (see queue.go).
	Queue Queue
	// Collectors are exported on /metrics beside the server's own metrics
	// (for example the queue's status).
	Collectors []prometheus.Collector
	// ReadOnly, when not nil and without a Queue, is asked before each
	// POST /api/articles: an error refuses the articles with 503 Service
	// Unavailable and the error's text, storing nothing. The command
	// serves read-only this way while another process writes the store.
	ReadOnly func() error
}

type server struct {
	st    store.Store
	in    *ingest.Ingester
	queue Queue
	met   *metrics
	opts  Options
	log   *slog.Logger
	mux   *http.ServeMux
	pages pages
}

// New returns the handler serving st: reads go to the store, and articles
// posted to /api/articles are added through in, the store's single writer,
// or queued on opts.Queue when it is set. With neither (in nil), or while
// opts.ReadOnly refuses, posted articles are answered 503.
func New(st store.Store, in *ingest.Ingester, opts Options) http.Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.MaxArticles <= 0 {
		opts.MaxArticles = DefaultMaxArticles
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &server{st: st, in: in, queue: opts.Queue, met: newMetrics(st, opts.Collectors), opts: opts, log: opts.Logger, mux: http.NewServeMux(), pages: parsePages()}

	s.mux.HandleFunc("POST /api/articles", s.postArticles)
	s.mux.HandleFunc("GET /api/articles/{id}", s.getArticle)
	s.mux.HandleFunc("GET /api/articles/{id}/status", s.getStatus)
	s.mux.HandleFunc("GET /api/tracking/{id}", s.getStatus)
	s.mux.HandleFunc("GET /api/storylines", s.listStorylines)
	s.mux.HandleFunc("GET /api/storylines/{id}", s.getStoryline)
	s.mux.HandleFunc("GET /api/events", s.listEvents)
	s.mux.HandleFunc("GET /api/events/{id}", s.getEvent)
	s.mux.HandleFunc("GET /api/entities", s.listEntities)

	s.mux.HandleFunc("GET /{$}", s.storylinesPage)
	s.mux.HandleFunc("GET /storylines/{id}", s.storylinePage)
	s.mux.HandleFunc("GET /events", s.eventsPage)
	s.mux.HandleFunc("GET /events/{id}", s.eventPage)
	s.mux.HandleFunc("GET /entities", s.entitiesPage)
	s.mux.HandleFunc("GET /static/style.css", serveStyle)
	s.mux.Handle("GET /metrics", s.met.handler())
	return s
}

// ServeHTTP routes r, logs it, and gives the mux's own answers (unknown
// paths, wrong methods) the same shape as the server's: a JSON error under
// /api/, an HTML page elsewhere.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	// The UI needs no scripts, frames or foreign resources; forbidding them
	// is a second line of defence behind html/template's escaping.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	handler, pattern := s.mux.Handler(r)
	if pattern == "" {
		s.fallback(sw, r, handler)
	} else {
		s.mux.ServeHTTP(sw, r)
	}
	s.met.observe(pattern, r.Method, sw.status, time.Since(start))
	s.log.Info("http", "method", r.Method, "path", r.URL.Path, "status", sw.status, "bytes", sw.bytes, "duration", time.Since(start))
}

// fallback runs h, the mux's handler for a request no pattern matched,
// keeps its status and headers, and replaces its plain-text body.
func (s *server) fallback(w http.ResponseWriter, r *http.Request, h http.Handler) {
	rec := &headerRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	for _, k := range []string{"Allow", "Location"} {
		if v := rec.header.Get(k); v != "" {
			w.Header().Set(k, v)
		}
	}
	switch {
	case status < 400:
		w.WriteHeader(status) // a redirect to the cleaned path
	case isAPI(r):
		writeError(w, status, strings.ToLower(http.StatusText(status))+": "+r.Method+" "+r.URL.Path)
	default:
		s.errorPage(w, r, status, http.StatusText(status))
	}
}

func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/api"
}

// headerRecorder captures what the mux's fallback handler answers.
type headerRecorder struct {
	header http.Header
	status int
}

func (r *headerRecorder) Header() http.Header { return r.header }
func (r *headerRecorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return len(b), nil
}
func (r *headerRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// statusWriter remembers the status and size of a response for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only values of the server's own types get here, and they always
		// marshal; a failure is a bug worth a 500 rather than half a body.
		status, body = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// An apiError is the body of every JSON error answer. Problems is set only
// when submitted articles are invalid.
type apiError struct {
	Error    string    `json:"error"`
	Problems []Problem `json:"problems,omitempty"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg})
}

// statusOf maps a store or ingest error to an HTTP status: unknown ids are
// 404, malformed requests 400, anything else the server's fault.
func statusOf(err error) int {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, store.ErrInvalid):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// movedEvent answers a request for an event that is not stored because it
// merged into another (err is the store's answer for id) with a permanent
// redirect to prefix plus the event it is part of now, and reports whether
// it did: links to a merged event keep leading to its articles.
func (s *server) movedEvent(w http.ResponseWriter, r *http.Request, id string, err error, prefix string) bool {
	if !errors.Is(err, store.ErrNotFound) {
		return false
	}
	into, rerr := s.st.Redirect(r.Context(), id)
	if rerr != nil {
		return false // not merged, or the lookup failed: the 404 stands
	}
	http.Redirect(w, r, prefix+url.PathEscape(into), http.StatusMovedPermanently)
	return true
}

// failure answers a store error on the API. what names the thing asked for
// ("event e12") for the 404 message.
func (s *server) failure(w http.ResponseWriter, r *http.Request, what string, err error) {
	switch status := statusOf(err); status {
	case http.StatusNotFound:
		writeError(w, status, "no "+what)
	case http.StatusBadRequest:
		writeError(w, status, err.Error())
	default:
		s.logFailure(r, err)
		writeError(w, status, "internal error")
	}
}

// logFailure logs an error behind a 500 answer, unless the client went
// away, which is no fault of the server's.
func (s *server) logFailure(r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return
	}
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
}

// errorText says what a store error means to a reader of the UI.
func errorText(what string, err error) string {
	switch statusOf(err) {
	case http.StatusNotFound:
		return fmt.Sprintf("There is no %s.", what)
	case http.StatusBadRequest:
		return err.Error()
	}
	return "Something went wrong on the server."
}
