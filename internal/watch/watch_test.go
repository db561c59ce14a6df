package watch

import (
	"context"
	"errors"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"storyline/internal/article"
)

// An item of a test feed. link is a path on the test server.
type item struct {
	guid, title, link, desc, content string
}

// rss renders an RSS 2.0 feed; links are made absolute with base.
func rss(base, title string, items ...item) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>` + html.EscapeString(title) + `</title><link>` + base + `/</link>
`)
	for _, it := range items {
		b.WriteString("<item>")
		if it.guid != "" {
			b.WriteString("<guid>" + html.EscapeString(it.guid) + "</guid>")
		}
		fmt.Fprintf(&b, "<title>%s</title>", html.EscapeString(it.title))
		if it.link != "" {
			fmt.Fprintf(&b, "<link>%s%s</link>", base, it.link)
		}
		fmt.Fprintf(&b, "<description>%s</description>", html.EscapeString(it.desc))
		if it.content != "" {
			fmt.Fprintf(&b, "<content:encoded><![CDATA[%s]]></content:encoded>", it.content)
		}
		b.WriteString("<pubDate>Sun, 14 Mar 2021 09:15:00 GMT</pubDate></item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

// pageParagraphs is the main text of the test article page.
var pageParagraphs = []string{
	"Negotiators from the government and the main opposition alliance returned to Geneva on Sunday for a third round of ceasefire talks, as more than two hundred aid lorries remained stranded at the northern border crossing.",
	"The United Nations envoy, who has shuttled between the delegations since January, said both sides had agreed to discuss a humanitarian corridor before any wider political settlement, a sequence the opposition had rejected last month.",
	"Aid agencies say the lorries, loaded with flour, fuel and vaccines, have been waiting for nine days. Drivers sleep in their cabs, and some of the medical supplies need refrigeration that the convoy can no longer provide.",
	"A spokesman for the World Food Programme said the agency could reach about 300,000 people within a week if the crossing opened, but warned that stocks inside the country would run out before the end of the month.",
}

var page = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Ceasefire talks resume in Geneva | The Northern Ledger</title>
<meta property="og:site_name" content="The Northern Ledger">
<meta property="og:title" content="Ceasefire talks resume in Geneva">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<main><article><h1>Ceasefire talks resume in Geneva</h1>
<p>` + strings.Join(pageParagraphs, "</p>\n<p>") + `</p>
</article></main>
<footer><p>© 2021 The Northern Ledger</p></footer>
</body></html>`

// longText is feed content long enough to count as the full article.
var longText = "<p>" + strings.Join(pageParagraphs, "</p><p>") + "</p>"

// server is a test site: a feed at /feed with validators, and pages.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	feed     string            // body of /feed
	etag     string            // sent with /feed and honoured when set
	modified string            // Last-Modified of /feed, honoured when set
	fail     []int             // statuses for the next /feed requests, consumed in order
	header   http.Header       // extra headers sent with a failure
	pages    map[string]string // path → HTML page; other paths are 404
	pageType string            // Content-Type of the pages
	requests []*http.Request   // every request, in order
}

func newServer(t *testing.T) *server {
	s := &server{pages: map[string]string{}, pageType: "text/html; charset=utf-8"}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
	if r.URL.Path != "/feed" {
		p, ok := s.pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", s.pageType)
		fmt.Fprint(w, p)
		return
	}
	if len(s.fail) > 0 {
		code := s.fail[0]
		s.fail = s.fail[1:]
		for k, v := range s.header {
			w.Header()[k] = v
		}
		http.Error(w, http.StatusText(code), code)
		return
	}
	if s.etag != "" {
		w.Header().Set("ETag", s.etag)
	}
	if s.modified != "" {
		w.Header().Set("Last-Modified", s.modified)
	}
	if (s.etag != "" && r.Header.Get("If-None-Match") == s.etag) ||
		(s.modified != "" && r.Header.Get("If-Modified-Since") == s.modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprint(w, s.feed)
}

func (s *server) setFeed(feed string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feed = feed
}

// hits counts the requests for path.
func (s *server) hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.URL.Path == path {
			n++
		}
	}
	return n
}

// feedRequests returns the headers of the /feed requests so far.
func (s *server) feedRequests() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	var hs []http.Header
	for _, r := range s.requests {
		if r.URL.Path == "/feed" {
			hs = append(hs, r.Header)
		}
	}
	return hs
}

// lastFeedRequest returns the headers of the latest /feed request.
func (s *server) lastFeedRequest() http.Header {
	hs := s.feedRequests()
	if len(hs) == 0 {
		return nil
	}
	return hs[len(hs)-1]
}

// newWatcher returns a Watcher for tests: no jitter, pages fetched.
func newWatcher(cfg Config) *Watcher {
	if cfg == (Config{}) {
		cfg = DefaultConfig()
	}
	cfg.UserAgent = "storyline-test"
	w := New(cfg, nil, nil)
	w.jitter = nil
	return w
}

func ids(arts []article.Article) []string {
	var out []string
	for _, a := range arts {
		out = append(out, a.ID)
	}
	return out
}

func TestPollConditional(t *testing.T) {
	tests := []struct {
		name, etag, modified string
	}{
		{"etag", `"v1"`, ""},
		{"last-modified", "", "Sun, 14 Mar 2021 09:15:00 GMT"},
		{"both", `"v1"`, "Sun, 14 Mar 2021 09:15:00 GMT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			s.etag, s.modified = tt.etag, tt.modified
			s.feed = rss(s.URL, "Ledger", item{guid: "a", title: "A", desc: longText})
			w := newWatcher(Config{})
			ctx := t.Context()

			arts, err := w.Poll(ctx, s.URL+"/feed")
			if err != nil || len(arts) != 1 {
				t.Fatalf("first poll = %v, %v; want one article", ids(arts), err)
			}
			if h := s.lastFeedRequest(); h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" {
				t.Errorf("first request was conditional: %v", h)
			}
			if got := s.lastFeedRequest().Get("User-Agent"); got != "storyline-test" {
				t.Errorf("User-Agent = %q", got)
			}

			arts, err = w.Poll(ctx, s.URL+"/feed")
			if err != nil || len(arts) != 0 {
				t.Fatalf("poll after 304 = %v, %v; want nothing", ids(arts), err)
			}
			h := s.lastFeedRequest()
			if got := h.Get("If-None-Match"); got != tt.etag {
				t.Errorf("If-None-Match = %q, want %q", got, tt.etag)
			}
			if got := h.Get("If-Modified-Since"); got != tt.modified {
				t.Errorf("If-Modified-Since = %q, want %q", got, tt.modified)
			}
		})
	}
}

func TestPollNewItemsOnly(t *testing.T) {
	s := newServer(t)
	a := item{guid: "https://ledger.example/a", title: "A", desc: longText}
	b := item{link: "/b", title: "B", desc: longText}
	c := item{guid: "c-1", title: "C", desc: longText}
	// b has no GUID: its ID comes from its link, http://127.0.0.1:port/b.
	bID := strings.NewReplacer(":", "-", "/", "-").Replace(strings.TrimPrefix(s.URL, "http://")) + "-b"
	steps := []struct {
		items []item
		want  []string
	}{
		{[]item{a, b}, []string{"ledger.example-a", bID}},
		{[]item{a, b}, nil},
		{[]item{c, a, b}, []string{"c-1"}},
		{[]item{c}, nil},
	}

	w := newWatcher(Config{})
	for i, st := range steps {
		s.setFeed(rss(s.URL, "", st.items...))
		arts, err := w.Poll(t.Context(), s.URL+"/feed")
		if err != nil {
			t.Fatalf("poll %d: %v", i, err)
		}
		if got := ids(arts); !slices.Equal(got, st.want) {
			t.Errorf("poll %d: ids %q, want %q", i, got, st.want)
		}
		for _, a := range arts {
			if a.Origin != s.URL+"/feed" {
				t.Errorf("poll %d: Origin = %q, want the feed URL", i, a.Origin)
			}
			if a.Source != "127.0.0.1" && a.Source != "ledger.example" {
				t.Errorf("poll %d: Source = %q, want a host (the feed has no title)", i, a.Source)
			}
		}
	}
}

func TestPollFetchesPages(t *testing.T) {
	const summary = "Negotiators returned to Geneva for a third round of ceasefire talks."
	tests := []struct {
		name      string
		it        item
		pageType  string // Content-Type of the page; "" serves no page (404)
		wantPage  bool   // whether the page is requested
		wantText  string // a fragment of the article text
		forbidden string // must not be in the text
	}{
		{"summary, page found", item{guid: "g", link: "/p", title: "Talks", desc: summary}, "text/html", true, pageParagraphs[3], summary},
		{"summary, page 404", item{guid: "g", link: "/p", title: "Talks", desc: summary}, "", true, summary, pageParagraphs[3]},
		{"summary, not HTML", item{guid: "g", link: "/p", title: "Talks", desc: summary}, "application/pdf", true, summary, pageParagraphs[3]},
		{"read more", item{guid: "g", link: "/p", title: "Talks", content: "<p>" + strings.Join(pageParagraphs[:3], "</p><p>") + "</p><p>Continue reading…</p>"}, "text/html", true, pageParagraphs[3], "Continue reading"},
		{"full content", item{guid: "g", link: "/p", title: "Talks", desc: summary, content: longText}, "text/html", false, pageParagraphs[3], summary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			s.feed = rss(s.URL, "", tt.it)
			if tt.pageType != "" {
				s.pages["/p"], s.pageType = page, tt.pageType
			}
			arts, err := newWatcher(Config{}).Poll(t.Context(), s.URL+"/feed")
			if err != nil || len(arts) != 1 {
				t.Fatalf("Poll = %v, %v; want one article", ids(arts), err)
			}
			a := arts[0]
			if got := s.hits("/p") > 0; got != tt.wantPage {
				t.Errorf("page requested = %v, want %v", got, tt.wantPage)
			}
			if !strings.Contains(a.Text, tt.wantText) || strings.Contains(a.Text, tt.forbidden) {
				t.Errorf("Text = %q\nwant it to contain %q and not %q", a.Text, tt.wantText, tt.forbidden)
			}
			if a.ID != "g" || a.Title != "Talks" || a.URL != s.URL+"/p" || a.Origin != s.URL+"/feed" {
				t.Errorf("ID, Title, URL, Origin = %q, %q, %q, %q", a.ID, a.Title, a.URL, a.Origin)
			}
			wantSource := "127.0.0.1" // the host: neither feed nor page names the site
			if tt.wantPage && tt.pageType == "text/html" {
				wantSource = "The Northern Ledger"
			}
			if a.Source != wantSource {
				t.Errorf("Source = %q, want %q", a.Source, wantSource)
			}
		})
	}
}

func TestPollFetchPagesOff(t *testing.T) {
	s := newServer(t)
	s.feed = rss(s.URL, "Ledger", item{guid: "g", link: "/p", title: "T", desc: "Short."})
	s.pages["/p"] = page
	cfg := DefaultConfig()
	cfg.FetchPages = false
	arts, err := newWatcher(cfg).Poll(t.Context(), s.URL+"/feed")
	if err != nil || len(arts) != 1 || arts[0].Text != "Short." || arts[0].Source != "Ledger" {
		t.Fatalf("Poll = %+v, %v; want the summary", arts, err)
	}
	if s.hits("/p") != 0 {
		t.Error("page fetched with FetchPages off")
	}
}

func TestPollErrors(t *testing.T) {
	big := rss("http://x", "Ledger", item{guid: "g", title: "T", desc: strings.Repeat("word ", 100)})
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string // in the error, besides the feed URL
	}{
		{"broken XML", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>X</title><item><title>a</titl`)
		}, "broken feed XML"},
		{"not a feed", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "<html><body>hello</body></html>")
		}, "not an RSS"},
		{"too large", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, big)
		}, "larger than the limit of 200 bytes"},
		{"too large, chunked", func(w http.ResponseWriter, r *http.Request) {
			for range 3 {
				fmt.Fprint(w, big[:100])
				w.(http.Flusher).Flush()
			}
		}, "larger than the limit of 200 bytes"},
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		}, "500 Internal Server Error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			cfg := DefaultConfig()
			cfg.MaxBytes = 200
			feedURL := srv.URL + "/feed"
			arts, err := newWatcher(cfg).Poll(t.Context(), feedURL)
			if err == nil || arts != nil {
				t.Fatalf("Poll = %v, %v; want an error", arts, err)
			}
			if !strings.Contains(err.Error(), feedURL) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %s and %q", err, feedURL, tt.want)
			}
		})
	}
}

func TestPollPageTooLarge(t *testing.T) {
	s := newServer(t)
	s.feed = rss(s.URL, "Ledger", item{guid: "g", link: "/p", title: "T", desc: "Short."})
	s.pages["/p"] = page
	cfg := DefaultConfig()
	cfg.MaxBytes = int64(len(s.feed) + 10) // the feed fits, the page does not
	arts, err := newWatcher(cfg).Poll(t.Context(), s.URL+"/feed")
	if err != nil || len(arts) != 1 || arts[0].Text != "Short." {
		t.Fatalf("Poll = %+v, %v; want the summary", arts, err)
	}
}

func TestSeenIsBounded(t *testing.T) {
	s := newServer(t)
	w := newWatcher(Config{})
	w.maxSeen = 2
	polls := []struct {
		items []string
		want  []string
	}{
		{[]string{"a", "b"}, []string{"a", "b"}},
		{[]string{"a", "b", "c"}, []string{"c"}}, // forgets a
		{[]string{"a", "b", "c"}, []string{"a"}}, // forgets b
		{[]string{"b", "c"}, []string{"b"}},
	}
	for i, p := range polls {
		var items []item
		for _, id := range p.items {
			items = append(items, item{guid: id, title: id, desc: longText})
		}
		s.setFeed(rss(s.URL, "Ledger", items...))
		arts, err := w.Poll(t.Context(), s.URL+"/feed")
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(arts); !slices.Equal(got, p.want) {
			t.Errorf("poll %d: %q, want %q", i, got, p.want)
		}
		if n := len(w.feeds[s.URL+"/feed"].seen); n > 2 {
			t.Errorf("poll %d: %d IDs remembered", i, n)
		}
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		name                 string
		interval, maxBackoff time.Duration
		failures             int
		retryAfter           time.Duration
		want                 time.Duration
	}{
		{"first failure", time.Minute, time.Hour, 1, 0, 2 * time.Minute},
		{"third failure", time.Minute, time.Hour, 3, 0, 8 * time.Minute},
		{"capped", time.Minute, time.Hour, 10, 0, time.Hour},
		{"huge count", time.Minute, time.Hour, 1000, 0, time.Hour},
		{"cap below interval", time.Hour, time.Minute, 3, 0, time.Hour},
		{"retry-after longer", time.Minute, time.Hour, 1, 3 * time.Hour, 3 * time.Hour},
		{"retry-after shorter", time.Minute, time.Hour, 3, time.Second, 8 * time.Minute},
		{"retry-after capped", time.Minute, time.Hour, 1, 1000 * time.Hour, 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWatcher(Config{Interval: tt.interval, MaxBackoff: tt.maxBackoff})
			if got := w.backoff(tt.failures, tt.retryAfter); got != tt.want {
				t.Errorf("backoff = %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("jitter", func(t *testing.T) {
		w := newWatcher(Config{Interval: time.Minute, MaxBackoff: time.Hour})
		w.jitter = rand.New(rand.NewPCG(1, 2))
		seen := map[time.Duration]bool{}
		for range 20 {
			d := w.backoff(2, 0)
			if d > 4*time.Minute || d < 4*time.Minute*9/10 {
				t.Fatalf("jittered backoff %v outside [3m36s, 4m]", d)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Error("no jitter")
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2021, 3, 14, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{"0", 0},
		{"-3", 0},
		{"99999999999999", 24 * time.Hour},
		{"Sun, 14 Mar 2021 09:10:00 GMT", 10 * time.Minute},
		{"Sun, 14 Mar 2021 08:00:00 GMT", 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// stepSleep replaces w's sleep: each wait is sent on the returned channel
// and ends as soon as the test receives it, so that every receive lets the
// feed's loop poll once more.
func stepSleep(w *Watcher) <-chan time.Duration {
	c := make(chan time.Duration)
	w.sleep = func(ctx context.Context, d time.Duration) error {
		select {
		case c <- d:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return c
}

// startRun runs w.Run in the background; the returned function cancels it
// and returns Run's error.
func startRun(t *testing.T, w *Watcher, feeds []string, sink func(context.Context, []article.Article) error) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, feeds, sink) }()
	return func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after cancel")
			return nil
		}
	}
}

func TestRunBackoffGrowsAndCaps(t *testing.T) {
	s := newServer(t)
	s.feed = rss(s.URL, "Ledger", item{guid: "a", title: "A", desc: longText})
	s.fail = []int{500, 500, 500, 500, 500}
	w := newWatcher(Config{Interval: time.Minute, MaxBackoff: 10 * time.Minute})
	sleeps := stepSleep(w)
	stop := startRun(t, w, []string{s.URL + "/feed"}, func(context.Context, []article.Article) error { return nil })

	want := []time.Duration{2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 10 * time.Minute, 10 * time.Minute,
		time.Minute, time.Minute} // recovered
	var got []time.Duration
	for range want {
		got = append(got, <-sleeps)
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
}

func TestRunRetryAfter(t *testing.T) {
	now := time.Date(2021, 3, 14, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		status     int
		retryAfter string
		want       time.Duration
	}{
		{429, "120", 2 * time.Minute},
		{503, "Sun, 14 Mar 2021 09:30:00 GMT", 30 * time.Minute},
		{503, "", 2 * time.Second}, // no header: plain backoff
		{500, "120", 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status, " ", tt.retryAfter), func(t *testing.T) {
			s := newServer(t)
			s.fail = []int{tt.status}
			s.header = http.Header{"Retry-After": {tt.retryAfter}}
			w := newWatcher(Config{Interval: time.Second, MaxBackoff: 10 * time.Second})
			w.now = func() time.Time { return now }
			sleeps := stepSleep(w)
			stop := startRun(t, w, []string{s.URL + "/feed"}, func(context.Context, []article.Article) error { return nil })
			got := <-sleeps
			stop()
			if got != tt.want {
				t.Errorf("wait %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRunFailingFeedDoesNotStopOthers(t *testing.T) {
	bad := newServer(t)
	bad.fail = slices.Repeat([]int{500}, 1000)
	good := newServer(t)
	good.feed = rss(good.URL, "Ledger", item{guid: "a", title: "A", desc: longText})

	w := newWatcher(Config{Interval: time.Minute})
	sleeps := stepSleep(w)
	got := make(chan []article.Article, 1)
	stop := startRun(t, w, []string{bad.URL + "/feed", good.URL + "/feed", bad.URL + "/feed"},
		func(_ context.Context, arts []article.Article) error {
			got <- arts
			return nil
		})

	// Let the loops go round until the good feed has delivered and the
	// failing one has been retried.
	var arts []article.Article
	for arts == nil || bad.hits("/feed") < 3 {
		select {
		case <-sleeps:
		case arts = <-got:
		}
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if !slices.Equal(ids(arts), []string{"a"}) || arts[0].Origin != good.URL+"/feed" {
		t.Errorf("sink got %+v, want article a of the good feed", arts)
	}
	if w.feeds[bad.URL+"/feed"].failures < 2 || w.feeds[good.URL+"/feed"].failures != 0 {
		t.Error("failure counts not kept per feed")
	}
}

func TestRunSinkErrorRetried(t *testing.T) {
	s := newServer(t)
	s.etag = `"v1"`
	s.feed = rss(s.URL, "Ledger", item{guid: "a", title: "A", desc: longText})
	w := newWatcher(Config{Interval: time.Minute})
	sleeps := stepSleep(w)
	var (
		mu    sync.Mutex
		calls [][]string
	)
	stop := startRun(t, w, []string{s.URL + "/feed"}, func(_ context.Context, arts []article.Article) error {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, ids(arts))
		if len(calls) == 1 {
			return errors.New("disk full")
		}
		return nil
	})
	var waits []time.Duration
	for range 3 { // sink fails; sink succeeds; 304
		waits = append(waits, <-sleeps)
	}
	stop()
	mu.Lock()
	defer mu.Unlock()
	reqs := s.feedRequests()
	if want := [][]string{{"a"}, {"a"}}; !slices.EqualFunc(calls, want, slices.Equal) {
		t.Errorf("sink calls %q, want %q", calls, want)
	}
	if got := s.lastFeedRequest().Get("If-None-Match"); got != `"v1"` {
		t.Errorf("last request If-None-Match = %q; validators not kept after success", got)
	}
	if reqs[1].Get("If-None-Match") != "" {
		t.Error("retry after a sink error was conditional: the batch could be lost to a 304")
	}
	if !slices.Equal(waits, []time.Duration{time.Minute, time.Minute, time.Minute}) {
		t.Errorf("waits %v: a sink error is not the feed's failure", waits)
	}
}

func TestRunCancel(t *testing.T) {
	tests := []struct {
		name string
		hang bool // the server never answers
	}{
		{"waiting for the next poll", false},
		{"during a request", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			polled := make(chan struct{}, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select {
				case polled <- struct{}{}:
				default:
				}
				if tt.hang {
					<-r.Context().Done()
					return
				}
				fmt.Fprint(w, rss("http://x", "Ledger", item{guid: "a", title: "A", desc: longText}))
			}))
			defer srv.Close()
			w := New(Config{Interval: time.Hour, Timeout: time.Hour}, nil, nil)
			stop := startRun(t, w, []string{srv.URL + "/feed"}, func(context.Context, []article.Article) error { return nil })
			<-polled
			start := time.Now()
			if err := stop(); !errors.Is(err, context.Canceled) {
				t.Errorf("Run = %v, want context.Canceled", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("Run took %v to stop", d)
			}
		})
	}
}

func TestRunNoFeeds(t *testing.T) {
	if err := New(DefaultConfig(), nil, nil).Run(t.Context(), nil, nil); err == nil {
		t.Error("Run with no feeds succeeded")
	}
}
