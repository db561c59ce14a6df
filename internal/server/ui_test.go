package server

import (
	"context"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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
				`<svg `, `role="img" aria-label="Timeline of 2 dated events, from 19 May 2023 to 26 May 2023"`,
				`<a class="marker" href="/events/` + f.g7.ID + `" data-date="2023-05-19"><title>19 May 2023 — ` + esc(f.g7.Title) + `</title><circle `,
				`<a class="marker" href="/events/` + f.aid.ID + `" data-date="2023-05-26"><title>26 May 2023 — ` + esc(f.aid.Title) + `</title><circle `,
				"</svg>",
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

// TestBrowser reads the UI as a person would, in a real headless browser:
// the list of storylines, a link to a storyline, its drawn timeline, a
// marker of it to an event, and the event's date, summary and articles. It
// saves a screenshot of the storyline page in $STORYLINE_ARTIFACTS, or in a
// temporary directory.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no browser at %s (apt-get install -y chromium): %v", chromium, err)
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	base, f := loadUI(t)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1024, 768))
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		must("the text of "+sel, err)
		return s
	}
	// follow clicks a link and waits for the page it leads to.
	follow := func(sel, want string) {
		t.Helper()
		resp, err := chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS(sel)))
		must("following "+sel, err)
		loc, err := chromedp.Run(bctx, chromedp.Location())
		must("location", err)
		if resp.Status != 200 || loc != base+want {
			t.Fatalf("following %s: %d at %s, want 200 at %s", sel, resp.Status, loc, base+want)
		}
	}

	// The front page lists the storylines; follow the G7 one.
	must("loading the front page", chromedp.Do(bctx, chromedp.Navigate(base+"/")))
	if h := text("h1"); h != "Storylines" {
		t.Errorf("front page heading %q", h)
	}
	follow(`ul.items a[href="/storylines/`+f.g7.Storyline+`"]`, "/storylines/"+f.g7.Storyline)

	// The storyline's timeline, drawn: one marker per dated event, in date
	// order, each a link with a tooltip, and each where a click reaches it.
	svg, err := chromedp.Run(bctx, chromedp.Nodes(chromedp.CSS(".timeline-plot svg")))
	must("the timeline's SVG", err)
	if role, label := svg[0].AttributeValue("role"), svg[0].AttributeValue("aria-label"); role != "img" || !strings.HasPrefix(label, "Timeline of 2 dated events") {
		t.Errorf("SVG role %q, aria-label %q", role, label)
	}
	markers, err := chromedp.Run(bctx, chromedp.Nodes(chromedp.CSSAll(".timeline-plot svg a.marker")))
	must("the timeline's markers", err)
	var hrefs []string
	for _, m := range markers {
		hrefs = append(hrefs, m.AttributeValue("href"))
	}
	if want := []string{"/events/" + f.g7.ID, "/events/" + f.aid.ID}; !slices.Equal(hrefs, want) {
		t.Errorf("markers link to %q, want one per dated event: %q", hrefs, want)
	}
	tips, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".timeline-plot a.marker > title"), e => e.textContent)`))
	must("the markers' tooltips", err)
	if want := []string{"19 May 2023 — " + f.g7.Title, "26 May 2023 — " + f.aid.Title}; !slices.Equal(tips, want) {
		t.Errorf("tooltips %q, want %q", tips, want)
	}
	hits, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`document.querySelector(".timeline-plot").scrollIntoView(),
		Array.from(document.querySelectorAll(".timeline-plot a.marker"), a => {
			const r = a.querySelector("circle").getBoundingClientRect();
			const hit = document.elementFromPoint(r.x + r.width/2, r.y + r.height/2);
			return hit && hit.closest("a") === a ? a.getAttribute("href") : "covered";
		})`))
	must("hit-testing the markers", err)
	if !slices.Equal(hits, hrefs) {
		t.Errorf("a click on each marker reaches %q, want %q", hits, hrefs)
	}
	// The textual timeline stays, below the drawing, for every reader.
	rows, err := chromedp.Run(bctx, chromedp.Nodes(chromedp.CSSAll("table.timeline tr.timeline-row")))
	must("the timeline's rows", err)
	if len(rows) != 2 {
		t.Errorf("%d timeline rows, want 2", len(rows))
	}
	if s := text("ul.undated"); s != f.undated.Title {
		t.Errorf("undated events %q, want %q", s, f.undated.Title)
	}

	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)) // 100: PNG
	must("screenshot", err)
	dir := os.Getenv("STORYLINE_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	must("artefact directory", os.MkdirAll(dir, 0o755))
	path := filepath.Join(dir, "storyline.png")
	must("saving the screenshot", os.WriteFile(path, shot, 0o644))
	t.Logf("screenshot of the storyline page: %s", path)

	// Follow the G7 summit's marker to its event page.
	follow(`.timeline-plot a.marker[href="/events/`+f.g7.ID+`"]`, "/events/"+f.g7.ID)
	if h := text("h1"); h != f.g7.Title {
		t.Errorf("event heading %q, want %q", h, f.g7.Title)
	}
	if d := text("p.meta time"); d != "19 May 2023" {
		t.Errorf("event date %q, want 19 May 2023", d)
	}
	if len(f.g7.Summary) == 0 {
		t.Fatal("the G7 event has no summary")
	}
	summary := text("ul.summary")
	for _, s := range f.g7.Summary {
		if !strings.Contains(summary, s.Text) {
			t.Errorf("the summary shown lacks %q:\n%s", s.Text, summary)
		}
	}
	articles, err := chromedp.Run(bctx, chromedp.Nodes(chromedp.CSSAll("ul.articles > li")))
	must("the event's articles", err)
	if len(articles) != len(f.g7.Articles) {
		t.Errorf("%d articles shown, want %d", len(articles), len(f.g7.Articles))
	}
	shown := text("ul.articles")
	for _, a := range f.g7.Articles {
		if !strings.Contains(shown, a.Title) || !strings.Contains(shown, a.Source) {
			t.Errorf("the articles shown lack %q from %q:\n%s", a.Title, a.Source, shown)
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
