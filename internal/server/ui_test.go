package server

import (
	"context"
	"html/template"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"storyline/internal/report"
)

// script is the markup carried by a fixture headline; no page may contain
// it unescaped.
const script = "<script>alert(1)</script>"

// uiFixture is the loaded fixture and the events the UI tests look at.
type uiFixture struct {
	g7, aid, undated, flood report.Event
}

func loadUI(t *testing.T) (string, uiFixture) {
	t.Helper()
	srv, _ := loaded(t)
	events := allEvents(t, srv)
	f := uiFixture{
		g7: eventOf(t, events, "g7-a"), aid: eventOf(t, events, "aid-tokyo"),
		undated: eventOf(t, events, "zelenskyy-video"), flood: eventOf(t, events, "flood-a"),
	}
	if f.g7.Storyline != f.aid.Storyline || f.g7.Storyline != f.undated.Storyline || f.g7.ID == f.aid.ID || f.aid.ID == f.undated.ID {
		t.Fatalf("the fixture should make one storyline of three G7 events: %s/%s, %s/%s, %s/%s",
			f.g7.Storyline, f.g7.ID, f.aid.Storyline, f.aid.ID, f.undated.Storyline, f.undated.ID)
	}
	if f.undated.Date != nil || f.g7.Date == nil || f.aid.Date == nil {
		t.Fatalf("want two dated G7 events and an undated one: %v %v %v", f.g7.Date, f.aid.Date, f.undated.Date)
	}
	return srv.URL, f
}

// esc is how html/template writes s in text.
func esc(s string) string { return template.HTMLEscapeString(s) }

func TestPages(t *testing.T) {
	base, f := loadUI(t)
	tests := []struct {
		name, method, path string
		status             int
		contains           []string // in this order
		absent             []string
	}{
		{"storylines", "GET", "/", 200,
			[]string{"<h1>Storylines</h1>", `href="/storylines/` + f.g7.Storyline + `"`, "3 events", `href="/storylines/` + f.flood.Storyline + `"`}, nil},
		{"storyline timeline", "GET", "/storylines/" + f.g7.Storyline, 200,
			[]string{"<h2>Timeline</h2>",
				`<time datetime="2023-05-19">19 May 2023</time>`, `<a href="/events/` + f.g7.ID + `">` + esc(f.g7.Title) + `</a>`,
				`<time datetime="2023-05-26">26 May 2023</time>`, `<a href="/events/` + f.aid.ID + `">` + esc(f.aid.Title) + `</a>`,
				"<h3>Undated</h3>", `<a href="/events/` + f.undated.ID + `">` + esc(f.undated.Title) + `</a>`,
				"<h2>Events</h2>", "— ", "Wire A"},
			[]string{esc(f.flood.Title)}},
		{"event", "GET", "/events/" + f.g7.ID, 200,
			[]string{"<h1>" + esc(f.g7.Title) + "</h1>", "19 May 2023", "date given by the articles", `href="/storylines/` + f.g7.Storyline + `"`,
				"<h2>Summary</h2>", "<cite>", "<h2>Entities</h2>", "Fumio Kishida", "person", "Kishida",
				"<h2>Articles</h2>", "Daily", "copy of", `href="#article-g7-a"`, `href="https://daily.example/g7-opens"`}, nil},
		{"event with a script in a headline", "GET", "/events/" + f.flood.ID, 200,
			[]string{"Wire D", esc(script)}, nil},
		{"undated event", "GET", "/events/" + f.undated.ID, 200, []string{"Undated"}, []string{"date given"}},
		{"search words", "GET", "/events?q=Hiroshima", 200,
			[]string{`value="Hiroshima"`, esc(f.g7.Title)}, []string{esc(f.flood.Title)}},
		{"search entity", "GET", "/events?entity=Faenza", 200,
			[]string{`value="Faenza"`, `href="/events/` + f.flood.ID + `"`}, []string{esc(f.g7.Title)}},
		{"search dates", "GET", "/events?from=2023-05-20&to=2023-05-31", 200,
			[]string{esc(f.aid.Title)}, []string{esc(f.g7.Title), esc(f.undated.Title)}},
		{"search bad date", "GET", "/events?from=20-05-2023", 400, []string{`class="error"`, "want a date"}, nil},
		{"entities", "GET", "/entities?q=kishida", 200,
			[]string{`value="kishida"`, `<a href="/events?entity=Fumio%20Kishida">Fumio Kishida</a>`}, []string{"Faenza"}},
		{"all entities", "GET", "/entities", 200, []string{"Fumio Kishida", "Faenza"}, nil},
		{"unknown event", "GET", "/events/e999", 404, []string{"There is no event"}, nil},
		{"unknown storyline", "GET", "/storylines/s999", 404, []string{"There is no storyline"}, nil},
		{"unknown page", "GET", "/nowhere", 404, []string{"Not Found"}, nil},
		{"wrong method", "POST", "/events", 405, []string{"Method Not Allowed"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, data := do(t, tt.method, base+tt.path)
			body := string(data)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if strings.Contains(body, script) || strings.Contains(strings.ToLower(body), "<script") {
				t.Errorf("page holds a script element:\n%s", body)
			}
			rest := body
			for _, s := range tt.contains {
				i := strings.Index(rest, s)
				if i < 0 {
					t.Fatalf("page lacks %q (or has it out of order):\n%s", s, body)
				}
				rest = rest[i+len(s):]
			}
			for _, s := range tt.absent {
				if strings.Contains(body, s) {
					t.Errorf("page holds %q", s)
				}
			}
		})
	}
}

func TestPagesPaged(t *testing.T) {
	base, _ := loadUI(t)
	// The fixture has five events, fewer than a page: no pager links.
	_, data := do(t, "GET", base+"/events")
	if body := string(data); strings.Contains(body, `rel="next"`) || strings.Contains(body, `rel="prev"`) {
		t.Errorf("one page of events has pager links:\n%s", body)
	}
	// Past the end: an empty page linking back.
	_, data = do(t, "GET", base+"/events?q=summit&page=2")
	if body := string(data); !strings.Contains(body, "No events match") || !strings.Contains(body, `href="?q=summit" rel="prev"`) {
		t.Errorf("page 2 of events:\n%s", body)
	}
}

func TestStylesheet(t *testing.T) {
	srv, _ := newServer(t, Options{})
	resp, body := do(t, "GET", srv.URL+"/static/style.css")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || !strings.Contains(string(body), ".timeline") {
		t.Errorf("stylesheet: %d %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
}

// chromium is where the Debian package installs the browser.
const chromium = "/usr/bin/chromium"

// TestBrowser loads a storyline page in a real headless browser and checks
// the DOM it built: what a reader sees, not only what the server sent.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no browser at %s (apt-get install -y chromium): %v", chromium, err)
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	base, f := loadUI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--dump-dom", base+"/storylines/"+f.g7.Storyline)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	dom := string(out)
	if n := strings.Count(dom, `<tr class="timeline-row">`); n != 2 {
		t.Errorf("the DOM has %d timeline rows, want 2:\n%s", n, dom)
	}
	for _, s := range []string{
		"<h2>Timeline</h2>",
		`<time datetime="2023-05-19">19 May 2023</time>`, esc(f.g7.Title),
		`<time datetime="2023-05-26">26 May 2023</time>`, esc(f.aid.Title),
		"<h3>Undated</h3>", esc(f.undated.Title),
	} {
		if !strings.Contains(dom, s) {
			t.Errorf("the DOM lacks %q:\n%s", s, dom)
		}
	}
}

func TestEmptyStore(t *testing.T) {
	srv, _ := newServer(t, Options{})
	_, body := do(t, "GET", srv.URL+"/")
	if !strings.Contains(string(body), "No storylines yet") {
		t.Errorf("empty store's front page:\n%s", body)
	}
	for _, path := range []string{"/api/storylines", "/api/events", "/api/entities"} {
		_, body := do(t, "GET", srv.URL+path)
		if !strings.HasSuffix(strings.TrimSpace(string(body)), ":[]}") {
			t.Errorf("GET %s on an empty store: %s, want an empty list", path, body)
		}
	}
}
