package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"storyline/internal/ingest"
	"storyline/internal/pipeline"
	"storyline/internal/report"
	"storyline/internal/store"
)

// fixture is testdata/articles.json, eight short news reports. They make
// two storylines: the G7 summit in Hiroshima (two reports, a syndicated copy
// and Zelenskyy's arrival the next day), Japan's aid pledge a week later and
// an undated report of Zelenskyy's thanks; and the floods in Italy (two
// reports, one headline carrying a script tag).
func fixture(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/articles.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

const fixtureSize = 8

// newServer serves a new SQLite store in a temporary directory.
func newServer(t *testing.T, opts Options) (*httptest.Server, store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	in, err := ingest.Open(ctx, st, pipeline.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	srv := httptest.NewServer(New(st, in, opts))
	t.Cleanup(srv.Close)
	return srv, st
}

// loaded serves a store holding the fixture.
func loaded(t *testing.T) (*httptest.Server, store.Store) {
	t.Helper()
	srv, st := newServer(t, Options{})
	if status, body := post(t, srv.URL+"/api/articles", "application/json", fixture(t)); status != http.StatusOK {
		t.Fatalf("loading the fixture: %d %s", status, body)
	}
	return srv, st
}

func post(t *testing.T, url, contentType string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := http.Post(url, contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data
}

func do(t *testing.T, method, url string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

// getJSON GETs url, requires status, and decodes the body into v.
func getJSON(t *testing.T, url string, status int, v any) {
	t.Helper()
	resp, body := do(t, http.MethodGet, url)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d: %s", url, resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q", url, ct)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, body)
	}
}

type landed struct {
	Landed []ingest.Landing `json:"landed"`
}

type errorBody struct {
	Error    string    `json:"error"`
	Problems []Problem `json:"problems"`
}

func allEvents(t *testing.T, srv *httptest.Server) []report.Event {
	t.Helper()
	var got struct{ Events []report.Event }
	getJSON(t, srv.URL+"/api/events?limit=1000", http.StatusOK, &got)
	return got.Events
}

// eventOf returns the event holding the article.
func eventOf(t *testing.T, events []report.Event, article string) report.Event {
	t.Helper()
	for _, e := range events {
		for _, a := range e.Articles {
			if a.ID == article {
				return e
			}
		}
	}
	t.Fatalf("no event holds article %s", article)
	return report.Event{}
}

func ids(events []report.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.ID)
	}
	slices.Sort(out)
	return out
}

func TestPostArticles(t *testing.T) {
	srv, st := newServer(t, Options{})
	one := `{"id":"g7-a","title":"G7 leaders gather in Hiroshima","text":"Leaders of the Group of Seven met in Hiroshima on Friday for a summit on Ukraine.","date":"2023-05-19","source":"Wire A"}`

	status, body := post(t, srv.URL+"/api/articles", "application/json", []byte(one))
	if status != http.StatusOK {
		t.Fatalf("one article: %d %s", status, body)
	}
	var got landed
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Landed) != 1 || got.Landed[0].Article != "g7-a" || got.Landed[0].Event == "" || !got.Landed[0].NewEvent || got.Landed[0].Repeat {
		t.Fatalf("one article landed %+v", got.Landed)
	}

	// The array repeats g7-a, which must change nothing.
	status, body = post(t, srv.URL+"/api/articles", "application/json; charset=utf-8", fixture(t))
	if status != http.StatusOK {
		t.Fatalf("array: %d %s", status, body)
	}
	got = landed{}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Landed) != fixtureSize {
		t.Fatalf("array landed %d articles, want %d: %s", len(got.Landed), fixtureSize, body)
	}
	for _, l := range got.Landed {
		if (l.Article == "g7-a") != l.Repeat {
			t.Errorf("landing %+v: repeat should be true for g7-a only", l)
		}
		if l.Event == "" || l.Storyline == "" {
			t.Errorf("landing %+v: no event or storyline", l)
		}
	}
	before, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	// Posting everything again is a no-op answered with repeats.
	status, body = post(t, srv.URL+"/api/articles", "application/json", fixture(t))
	if status != http.StatusOK {
		t.Fatalf("re-post: %d %s", status, body)
	}
	got = landed{}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	for _, l := range got.Landed {
		if !l.Repeat {
			t.Errorf("re-posted %s: repeat false", l.Article)
		}
	}
	after, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("re-post changed the store: %+v, then %+v", before, after)
	}
	if after.Articles != fixtureSize {
		t.Errorf("store holds %d articles, want %d", after.Articles, fixtureSize)
	}

	// Each landed event is served, alone and in the list.
	events := allEvents(t, srv)
	for _, l := range got.Landed {
		var e report.Event
		getJSON(t, srv.URL+"/api/events/"+l.Event, http.StatusOK, &e)
		if e.ID != l.Event || !slices.ContainsFunc(e.Articles, func(a report.Article) bool { return a.ID == l.Article }) {
			t.Errorf("GET /api/events/%s: %s does not hold %s", l.Event, e.ID, l.Article)
		}
		if !slices.Contains(ids(events), l.Event) {
			t.Errorf("event %s missing from /api/events", l.Event)
		}
	}
}

func TestPostInvalid(t *testing.T) {
	valid := `{"id":"ok","text":"Rescuers reached villages near Faenza on Thursday.","date":"2023-05-18"}`
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		inError     string    // part of the error message
		problems    []Problem // Error is matched as a substring
	}{
		{"missing id", "application/json", `{"text":"Floods in Italy."}`, 400, "nothing was stored",
			[]Problem{{Index: 0, Field: "id", Error: "missing"}}},
		{"missing text", "application/json", `[` + valid + `,{"id":"x","title":"A headline only"}]`, 400, "",
			[]Problem{{Index: 1, Field: "text", Error: "missing"}}},
		{"bad date", "application/json", `[` + valid + `,{"id":"x","text":"Floods.","date":"18/05/2023"}]`, 400, "",
			[]Problem{{Index: 1, Field: "date", Error: "unreadable date"}}},
		{"future date", "application/json", `{"id":"x","text":"Floods.","date":"2999-01-01"}`, 400, "",
			[]Problem{{Index: 0, Field: "date", Error: "future"}}},
		{"wrong types", "application/json", `[` + valid + `,` + valid + `,{"id":7,"text":"Floods.","title":["a"]}]`, 400, "",
			[]Problem{{Index: 2, Field: "id", Error: "got a JSON number"}, {Index: 2, Field: "title", Error: "got a JSON array"}}},
		{"not an object", "application/json", `[` + valid + `,"just text"]`, 400, "",
			[]Problem{{Index: 1, Error: "got a JSON string"}}},
		{"NUL", "application/json", `{"id":"x","text":"Floods\u0000."}`, 400, "",
			[]Problem{{Index: 0, Field: "text", Error: "NUL"}}},
		{"invalid UTF-8", "application/json", "{\"id\":\"x\",\"text\":\"Floods \xff.\"}", 400, "",
			[]Problem{{Index: 0, Field: "text", Error: "UTF-8"}}},
		{"malformed", "application/json", "[\n" + valid + ",\n{\"id\": \"x\" \"text\": \"y\"}]", 400, "line 3, column 13", nil},
		{"truncated", "application/json", `[` + valid, 400, "malformed JSON", nil},
		{"empty body", "application/json", ``, 400, "empty body", nil},
		{"empty array", "application/json", `[]`, 400, "no articles", nil},
		{"scalar", "application/json", `42`, 400, "got a JSON number", nil},
		{"form content type", "application/x-www-form-urlencoded", valid, 400, "want application/json", nil},
		{"no content type", "", valid, 400, "want application/json", nil},
	}
	srv, st := loaded(t)
	before, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, srv.URL+"/api/articles", tt.contentType, []byte(tt.body))
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			var got errorBody
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if got.Error == "" || !strings.Contains(got.Error, tt.inError) {
				t.Errorf("error %q, want it to contain %q", got.Error, tt.inError)
			}
			if len(got.Problems) != len(tt.problems) {
				t.Fatalf("problems %+v, want %+v", got.Problems, tt.problems)
			}
			for i, p := range got.Problems {
				want := tt.problems[i]
				if p.Index != want.Index || p.Field != want.Field || !strings.Contains(p.Error, want.Error) {
					t.Errorf("problem %+v, want %+v", p, want)
				}
			}
		})
	}
	after, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("invalid requests changed the store: %+v, then %+v", before, after)
	}
	if ok, _ := st.HasArticle(context.Background(), "ok"); ok {
		t.Error("the valid article of an invalid batch was stored")
	}
}

func TestPostTooLarge(t *testing.T) {
	srv, st := newServer(t, Options{MaxBodyBytes: 1000, MaxArticles: 2})
	article := func(id string, size int) string {
		return `{"id":"` + id + `","text":"` + strings.Repeat("word ", size/5) + `"}`
	}
	tests := []struct {
		name, body string
		status     int
	}{
		{"body over the limit", article("big", 2000), http.StatusRequestEntityTooLarge},
		{"too many articles", "[" + article("a", 10) + "," + article("b", 10) + "," + article("c", 10) + "]", http.StatusRequestEntityTooLarge},
		{"within limits", "[" + article("a", 10) + "," + article("b", 10) + "]", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, srv.URL+"/api/articles", "application/json", []byte(tt.body))
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			var got errorBody
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if (got.Error != "") != (status != http.StatusOK) {
				t.Errorf("body %s", body)
			}
		})
	}
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Articles != 2 {
		t.Errorf("store holds %d articles, want the 2 of the request within limits", stats.Articles)
	}
}

func TestEventFilters(t *testing.T) {
	srv, _ := loaded(t)
	events := allEvents(t, srv)
	g7, flood, zelenskyy := eventOf(t, events, "g7-a"), eventOf(t, events, "flood-a"), eventOf(t, events, "zelenskyy-g7")
	if g7.ID == flood.ID {
		t.Fatalf("the summit and the floods share event %s", g7.ID)
	}
	if len(g7.Entities) == 0 {
		t.Fatalf("event %s has no entities", g7.ID)
	}
	entity := g7.Entities[0]

	// within keeps the events dated in [from, to], as the store should.
	within := func(from, to string) []string {
		var out []report.Event
		for _, e := range events {
			if e.Date != nil && (from == "" || *e.Date >= from) && (to == "" || *e.Date <= to) {
				out = append(out, e)
			}
		}
		return ids(out)
	}
	hasEntity := func(e report.Event) bool {
		return slices.ContainsFunc(e.Entities, func(x report.Entity) bool { return x.Key == entity.Key })
	}
	var withEntity []report.Event
	for _, e := range events {
		if hasEntity(e) {
			withEntity = append(withEntity, e)
		}
	}

	tests := []struct {
		name, query string
		want        []string // event ids, sorted
		not         []string // ids that must be absent
	}{
		{"all", "", ids(events), nil},
		{"from", "from=2023-05-19", within("2023-05-19", ""), []string{flood.ID}},
		{"to", "to=2023-05-18", within("", "2023-05-18"), []string{g7.ID}},
		{"from and to", "from=2023-05-17&to=2023-05-17", within("2023-05-17", "2023-05-17"), []string{g7.ID}},
		{"entity", "entity=" + url.QueryEscape(entity.Name), ids(withEntity), []string{flood.ID}},
		{"entity, other case", "entity=" + url.QueryEscape(strings.ToUpper(entity.Name)), ids(withEntity), []string{flood.ID}},
		{"words", "q=Emilia-Romagna", nil, []string{g7.ID, zelenskyy.ID}},
		{"storyline", "storyline=" + flood.Storyline, nil, []string{g7.ID}},
		{"limit", "limit=1", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct{ Events []report.Event }
			getJSON(t, srv.URL+"/api/events?"+tt.query, http.StatusOK, &got)
			if len(got.Events) == 0 {
				t.Fatal("no events")
			}
			if tt.want != nil && !slices.Equal(ids(got.Events), tt.want) {
				t.Errorf("events %v, want %v", ids(got.Events), tt.want)
			}
			for _, id := range tt.not {
				if slices.Contains(ids(got.Events), id) {
					t.Errorf("event %s should be filtered out", id)
				}
			}
		})
	}
	var got struct{ Events []report.Event }
	getJSON(t, srv.URL+"/api/events?q=Emilia-Romagna", http.StatusOK, &got)
	if !slices.Contains(ids(got.Events), flood.ID) {
		t.Errorf("q=Emilia-Romagna: %v lacks the flood event %s", ids(got.Events), flood.ID)
	}
	getJSON(t, srv.URL+"/api/events?limit=1", http.StatusOK, &got)
	if len(got.Events) != 1 {
		t.Errorf("limit=1: %d events", len(got.Events))
	}
}

func TestReads(t *testing.T) {
	srv, _ := loaded(t)
	events := allEvents(t, srv)
	g7 := eventOf(t, events, "g7-a")

	var sls struct {
		Storylines []map[string]any `json:"storylines"`
	}
	getJSON(t, srv.URL+"/api/storylines", http.StatusOK, &sls)
	if len(sls.Storylines) == 0 {
		t.Fatal("no storylines")
	}
	for _, k := range []string{"id", "title", "events", "articles", "first", "last", "entities"} {
		if _, ok := sls.Storylines[0][k]; !ok {
			t.Errorf("storyline summary lacks %q: %v", k, sls.Storylines[0])
		}
	}
	getJSON(t, srv.URL+"/api/storylines?limit=1&offset=1", http.StatusOK, &sls)
	if len(sls.Storylines) > 1 {
		t.Errorf("limit=1: %d storylines", len(sls.Storylines))
	}

	var sl report.Storyline
	getJSON(t, srv.URL+"/api/storylines/"+g7.Storyline, http.StatusOK, &sl)
	if sl.ID != g7.Storyline || !slices.Contains(ids(sl.Events), g7.ID) || len(sl.Timeline) == 0 {
		t.Errorf("storyline %s: %+v", g7.Storyline, sl)
	}

	var a map[string]any
	getJSON(t, srv.URL+"/api/articles/g7-copy", http.StatusOK, &a)
	for k, want := range map[string]any{"id": "g7-copy", "title": "G7 summit opens", "date": "2023-05-19", "source": "Daily",
		"url": "https://daily.example/g7-opens", "event": g7.ID, "storyline": g7.Storyline, "duplicate_of": "g7-a"} {
		if a[k] != want {
			t.Errorf("article g7-copy: %s = %v, want %v", k, a[k], want)
		}
	}
	if text, _ := a["text"].(string); !strings.Contains(text, "tight security") {
		t.Errorf("article g7-copy: text %q", text)
	}
	// Duplicates are not placed by similarity, so only the original says why.
	var orig map[string]any
	getJSON(t, srv.URL+"/api/articles/g7-b", http.StatusOK, &orig)
	if _, ok := orig["explain"].(map[string]any); !ok {
		t.Errorf("article g7-b has no explain: %v", orig)
	}

	var ents struct {
		Entities []map[string]any `json:"entities"`
	}
	getJSON(t, srv.URL+"/api/entities?q=hiroshima", http.StatusOK, &ents)
	if len(ents.Entities) == 0 {
		t.Fatal("no entity matches hiroshima")
	}
	if name, _ := ents.Entities[0]["name"].(string); !strings.Contains(strings.ToLower(name), "hiroshima") {
		t.Errorf("entities?q=hiroshima: first is %v", ents.Entities[0])
	}
	if n, _ := ents.Entities[0]["events"].(float64); n < 1 {
		t.Errorf("entity %v: events %v", ents.Entities[0], ents.Entities[0]["events"])
	}
	getJSON(t, srv.URL+"/api/entities?limit=1", http.StatusOK, &ents)
	if len(ents.Entities) != 1 {
		t.Errorf("entities?limit=1: %d", len(ents.Entities))
	}
}

func TestAPIErrors(t *testing.T) {
	srv, _ := loaded(t)
	tests := []struct {
		method, path string
		status       int
		inError      string
	}{
		{"GET", "/api/events/e999", 404, `no event "e999"`},
		{"GET", "/api/storylines/s999", 404, `no storyline "s999"`},
		{"GET", "/api/articles/nope", 404, `no article "nope"`},
		{"GET", "/api/nothing", 404, "not found"},
		{"GET", "/api/events?from=2023-13-01", 400, "from="},
		{"GET", "/api/events?to=yesterday", 400, "to="},
		{"GET", "/api/events?limit=-1", 400, "limit="},
		{"GET", "/api/storylines?offset=x", 400, "offset="},
		{"GET", "/api/entities?limit=many", 400, "limit="},
		{"DELETE", "/api/events/e1", 405, "method not allowed"},
		{"PUT", "/api/articles", 405, "method not allowed"},
		{"GET", "/api/articles", 405, "method not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp, body := do(t, tt.method, srv.URL+tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			var got map[string]any
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if msg, _ := got["error"].(string); len(got) != 1 || !strings.Contains(msg, tt.inError) {
				t.Errorf("body %s, want only an error containing %q", body, tt.inError)
			}
			if tt.status == 405 && resp.Header.Get("Allow") == "" {
				t.Error("405 without Allow")
			}
		})
	}
}

// TestConcurrent posts and reads at once; run with -race it checks that the
// handler shares nothing unsafely and that every write lands.
func TestConcurrent(t *testing.T) {
	srv, st := newServer(t, Options{})
	const writers, each = 4, 3
	var wg sync.WaitGroup
	// The goroutines report with t.Errorf only: t.Fatal must not be
	// called off the test's goroutine, so they cannot use post and do.
	status := func(resp *http.Response, err error) string {
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return fmt.Sprintf("%d %s", resp.StatusCode, body)
		}
		return ""
	}
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				body := fmt.Sprintf(`{"id":"w%d-%d","title":"Storm report %d","text":"A storm hit the coast of Brittany on Monday, cutting power to %d homes.","date":"2023-10-0%d"}`, w, i, i, 1000*(w+1), i+1)
				if msg := status(http.Post(srv.URL+"/api/articles", "application/json", strings.NewReader(body))); msg != "" {
					t.Errorf("POST: %s", msg)
				}
				for _, path := range []string{"/api/events", "/", "/api/storylines"} {
					if msg := status(http.Get(srv.URL + path)); msg != "" {
						t.Errorf("GET %s: %s", path, msg)
					}
				}
			}
		})
	}
	wg.Wait()
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Articles != writers*each {
		t.Errorf("store holds %d articles, want %d", stats.Articles, writers*each)
	}
}

// TestPostReadOnly checks that a read-only server refuses posted articles
// with 503 and the reason, stores none of them, and still answers reads.
func TestPostReadOnly(t *testing.T) {
	refusal := errors.New(`store is being written by "ingest" (pid 7 on web1)`)
	tests := []struct {
		name   string
		opts   Options
		noIn   bool
		status int
		want   string
	}{
		{"writable", Options{ReadOnly: func() error { return nil }}, false, http.StatusOK, `"landed"`},
		{"refused by ReadOnly", Options{ReadOnly: func() error { return refusal }}, false, http.StatusServiceUnavailable, `store is being written by \"ingest\" (pid 7 on web1)`},
		{"no ingester", Options{}, true, http.StatusServiceUnavailable, "read-only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, st := newServer(t, tt.opts)
			if tt.noIn {
				srv = httptest.NewServer(New(st, nil, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
				t.Cleanup(srv.Close)
			}
			status, body := post(t, srv.URL+"/api/articles", "application/json", fixture(t))
			if status != tt.status || !strings.Contains(string(body), tt.want) {
				t.Errorf("POST: %d %s; want %d with %s", status, body, tt.status, tt.want)
			}
			stats, err := st.Stats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if stored := stats.Articles > 0; stored != (tt.status == http.StatusOK) {
				t.Errorf("after the POST the store holds %d articles", stats.Articles)
			}
			var page struct {
				Storylines []store.StorylineSummary `json:"storylines"`
			}
			getJSON(t, srv.URL+"/api/storylines", http.StatusOK, &page)
		})
	}
}

// TestMergedEventRedirects merges a stored event into another, as revised
// placement does, and follows its old links: the API and the page answer
// with a permanent redirect to the event its articles are in now.
func TestMergedEventRedirects(t *testing.T) {
	srv, st := loaded(t)
	events := allEvents(t, srv)
	if len(events) < 2 {
		t.Fatalf("the fixture gave %d events, want two to merge", len(events))
	}
	from, into := events[0], events[1]
	var moves []store.Move
	for _, a := range from.Articles {
		moves = append(moves, store.Move{Article: a.ID, Event: into.ID, Storyline: into.Storyline})
	}
	if err := st.Commit(context.Background(), store.Batch{Moves: moves, Merged: []store.Merge{{From: from.ID, Into: into.ID}}}); err != nil {
		t.Fatal(err)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, prefix := range []string{"/api/events/", "/events/"} {
		resp, err := noFollow.Get(srv.URL + prefix + from.ID)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusMovedPermanently || loc != prefix+into.ID {
			t.Errorf("GET %s%s: %d to %q, want 301 to %s%s", prefix, from.ID, resp.StatusCode, loc, prefix, into.ID)
		}
	}
	var got report.Event
	getJSON(t, srv.URL+"/api/events/"+from.ID, http.StatusOK, &got)
	if got.ID != into.ID || len(got.Articles) != len(from.Articles)+len(into.Articles) {
		t.Errorf("following the redirect gave event %s with %d articles, want %s with %d", got.ID, len(got.Articles), into.ID, len(from.Articles)+len(into.Articles))
	}
}
