package article

import (
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// markers are planted in testdata pages in places that must never reach
// Article.Text: scripts, ads, captions, comments, related links.
var markers = []string{"SCRIPT_MARKER", "AD_MARKER", "CAPTION_MARKER", "COMMENT_MARKER", "RELATED_MARKER"}

func splitParas(text string) []string {
	var out []string
	for line := range strings.SplitSeq(text, "\n") {
		if p := cleanLine(line); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func TestParseHTMLPage(t *testing.T) {
	data, err := os.ReadFile("testdata/page.html")
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseHTML("testdata/page.html", data)
	if err != nil {
		t.Fatalf("ParseHTML: %v", err)
	}
	for _, c := range []struct{ field, got, want string }{
		{"ID", a.ID, "page"},
		{"Title", a.Title, "Ceasefire talks resume in Geneva as aid convoys wait"},
		{"Source", a.Source, "The Northern Ledger"},
		{"Author", a.Author, "Miriam Okafor"},
		{"URL", a.URL, "https://northernledger.example/world/2021/03/14/ceasefire-talks-geneva"},
		{"Lang", a.Lang, "en"},
		{"Date", a.Date.Format(time.DateOnly), "2021-03-14"},
		{"Origin", a.Origin, "testdata/page.html"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	paras := splitParas(a.Text)
	wantParas := []string{
		"Negotiators from the government and the main opposition alliance returned to Geneva on Sunday for a third round of ceasefire talks, as more than two hundred aid lorries remained stranded at the northern border crossing.",
		"The United Nations envoy, who has shuttled between the delegations since January, said both sides had agreed to discuss a humanitarian corridor before any wider political settlement, a sequence the opposition had rejected last month.",
		"“We are not here to sign a peace treaty this week,” the envoy told reporters outside the Palais des Nations. “We are here to get food and medicine moving, and to keep people alive while the politicians argue.”",
		"Stranded convoys",
		"Aid agencies say the lorries, loaded with flour, fuel and vaccines, have been waiting for nine days. Drivers sleep in their cabs, and some of the medical supplies need refrigeration that the convoy can no longer provide.",
		"A spokesman for the World Food Programme said the agency could reach about 300,000 people within a week if the crossing opened, but warned that stocks inside the country would run out before the end of the month.",
		"Pressure from Moscow and Ankara",
		"Diplomats in Geneva said Russia and Turkey, which back opposing sides in the conflict, had both pressed their allies to accept at least a temporary truce. Neither government commented publicly on the talks.",
		"The opposition delegation’s spokeswoman said any corridor must be monitored by international observers, and that her side would walk out if government shelling of the northern province continued during the negotiations.",
		"The talks are expected to last four days. A further round has been pencilled in for April, the envoy’s office said.",
	}
	if !slices.Equal(paras, wantParas) {
		t.Errorf("paragraphs:\n got %q\nwant %q", paras, wantParas)
	}
	if !strings.Contains(a.Text, "\n") {
		t.Error("Text has no line breaks between paragraphs")
	}
	for _, m := range markers {
		if strings.Contains(a.Text, m) || strings.Contains(a.Title, m) {
			t.Errorf("%s leaked into the article", m)
		}
	}
}

// TestHTMLMatchesSeedText wraps each seed's text in a web page with the
// usual clutter and checks that the HTML reader gives back the paragraphs
// the text reader reads from the seed.
func TestHTMLMatchesSeedText(t *testing.T) {
	const seedDir = "../../../shared/seeds"
	seeds, err := filepath.Glob(filepath.Join(seedDir, "*.txt"))
	if err != nil || len(seeds) == 0 {
		t.Skipf("no seeds in %s", seedDir)
	}
	for _, seed := range seeds {
		t.Run(filepath.Base(seed), func(t *testing.T) {
			data, err := os.ReadFile(seed)
			if err != nil {
				t.Fatal(err)
			}
			var want Article
			parseText(seed, data, func(a Article, err error) bool {
				if err == nil {
					want = a
				}
				return true
			})
			if want.ID == "" {
				t.Skip("seed does not read as text")
			}
			title := want.Title
			if title == "" {
				title = "Seed story " + want.ID
			}
			page := seedPage(title, want.Date, splitParas(want.Text))
			got, err := ParseHTML(want.ID+".html", []byte(page))
			if err != nil {
				t.Fatalf("ParseHTML: %v", err)
			}
			if got.Title != title {
				t.Errorf("Title = %q, want %q", got.Title, title)
			}
			if !got.Date.Equal(want.Date) {
				t.Errorf("Date = %v, want %v", got.Date, want.Date)
			}
			gp, wp := splitParas(got.Text), splitParas(want.Text)
			if !slices.Equal(gp, wp) {
				t.Errorf("paragraphs differ: got %d, want %d\n got %q\nwant %q", len(gp), len(wp), gp, wp)
			}
		})
	}
}

func seedPage(title string, date time.Time, paras []string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
	fmt.Fprintf(&b, "<title>%s | Seed Times</title>", html.EscapeString(title))
	fmt.Fprintf(&b, "<meta property=\"og:title\" content=\"%s\">", html.EscapeString(title))
	b.WriteString(`<meta property="og:site_name" content="Seed Times">`)
	if !date.IsZero() {
		fmt.Fprintf(&b, `<meta property="article:published_time" content="%s">`, date.Format(time.RFC3339))
	}
	b.WriteString(`<script>var x = "SCRIPT_MARKER";</script></head><body>`)
	b.WriteString(`<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>`)
	b.WriteString(`<div class="advert">AD_MARKER Subscribe now</div><main><article>`)
	fmt.Fprintf(&b, "<h1>%s</h1>\n", html.EscapeString(title))
	b.WriteString(`<figure><img src="a.jpg"><figcaption>CAPTION_MARKER A photo.</figcaption></figure>`)
	for _, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
	}
	b.WriteString(`</article></main><footer><p>© Seed Times</p></footer></body></html>`)
	return b.String()
}

func TestParseHTMLHostile(t *testing.T) {
	body := "<p>" + strings.Repeat("The council met on Monday to discuss the flood defences. ", 8) + "</p>"
	page := func(head, body string) string {
		return "<!doctype html><html><head>" + head + "</head><body><article>" + body + "</article></body></html>"
	}
	tests := []struct {
		name      string
		input     string
		wantOK    bool
		wantErrs  []string // substrings, one per error, in order
		wantField string   // Field of the first error, if any
		check     func(t *testing.T, a Article)
	}{
		{
			name:     "invalid UTF-8 replaced",
			input:    page("<title>Bad bytes</title>", "<p>Caf\xe9 owners met the mayor on Monday to talk about the new parking rules and the planned market.</p>"+body),
			wantOK:   true,
			wantErrs: []string{"invalid UTF-8 replaced"},
			check: func(t *testing.T, a Article) {
				if !strings.Contains(a.Text, "Caf\uFFFD") {
					t.Errorf("text %q lacks the replacement character", a.Text[:40])
				}
			},
		},
		{
			name:   "declared Latin-1 transcoded",
			input:  page(`<meta charset="iso-8859-1"><title>Latin</title>`, "<p>Caf\xe9 owners met the mayor on Monday to talk about the new parking rules and the planned market.</p>"+body),
			wantOK: true,
			check: func(t *testing.T, a Article) {
				if !strings.Contains(a.Text, "Café") {
					t.Errorf("text %q not transcoded", a.Text[:40])
				}
			},
		},
		{
			name:     "empty body",
			input:    page("<title>Nothing</title>", ""),
			wantErrs: []string{"empty article"},
		},
		{
			name:     "scripts only",
			input:    page("<title>Scripts</title>", `<script>var a = "SCRIPT_MARKER";</script><style>p{}</style>`),
			wantErrs: []string{"empty article"},
		},
		{
			name:   "scripts among paragraphs",
			input:  page("<title>Mixed</title>", body+`<script>document.write("SCRIPT_MARKER")</script><noscript>SCRIPT_MARKER</noscript>`+body),
			wantOK: true,
			check: func(t *testing.T, a Article) {
				if strings.Contains(a.Text, "SCRIPT_MARKER") {
					t.Error("script text leaked")
				}
			},
		},
		{
			name:      "date in the future",
			input:     page(`<title>Future</title><meta property="article:published_time" content="2999-01-01">`, body),
			wantOK:    true,
			wantErrs:  []string{"in the future"},
			wantField: "date",
		},
		{
			name:   "plain date kept",
			input:  page(`<title>Dated</title><meta property="article:published_time" content="2020-02-03T23:00:00Z">`, body),
			wantOK: true,
			check: func(t *testing.T, a Article) {
				if got := a.Date.Format(time.DateOnly); got != "2020-02-03" {
					t.Errorf("Date = %s", got)
				}
			},
		},
		{
			name:   "nesting within the parser's limit",
			input:  page("<title>Deep</title>", strings.Repeat("<div>", 400)+body+strings.Repeat("</div>", 400)),
			wantOK: true,
		},
		{
			name:     "nesting beyond the parser's limit",
			input:    page("<title>Deep</title>", strings.Repeat("<div>", 5000)+body+strings.Repeat("</div>", 5000)),
			wantErrs: []string{"parsing HTML"},
		},
		{
			name:      "date before 1900",
			input:     page(`<title>Old</title><meta name="date" content="1850-06-01">`, body),
			wantOK:    true,
			wantErrs:  []string{"before 1900"},
			wantField: "date",
		},
		{
			name:   "relative canonical dropped",
			input:  page(`<title>Rel</title><link rel="canonical" href="/news/x">`, body),
			wantOK: true,
			check: func(t *testing.T, a Article) {
				if a.URL != "" {
					t.Errorf("URL = %q, want none", a.URL)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				arts []Article
				errs []error
			)
			parseHTML("hostile.html", []byte(tt.input), func(a Article, err error) bool {
				if err != nil {
					errs = append(errs, err)
				} else {
					arts = append(arts, a)
				}
				return true
			})
			if ok := len(arts) == 1; ok != tt.wantOK {
				t.Fatalf("got %d articles, want ok=%v (errors %v)", len(arts), tt.wantOK, errs)
			}
			if len(errs) != len(tt.wantErrs) {
				t.Fatalf("errors %v, want %d matching %q", errs, len(tt.wantErrs), tt.wantErrs)
			}
			for i, err := range errs {
				var p *Problem
				if !errors.As(err, &p) || p.Path != "hostile.html" {
					t.Errorf("error %v is not a *Problem with the path", err)
				}
				if !strings.Contains(err.Error(), tt.wantErrs[i]) {
					t.Errorf("error %q lacks %q", err, tt.wantErrs[i])
				}
				if i == 0 && tt.wantField != "" && p != nil && p.Field != tt.wantField {
					t.Errorf("field = %q, want %q", p.Field, tt.wantField)
				}
			}
			if tt.wantOK {
				if tt.wantField == "date" && arts[0].HasDate() {
					t.Errorf("article kept date %v", arts[0].Date)
				}
				if tt.check != nil {
					tt.check(t, arts[0])
				}
			}
		})
	}
}

func TestParseHTMLErrorContract(t *testing.T) {
	page := `<html><head><meta property="article:published_time" content="2999-01-01"></head><body><article><p>` +
		strings.Repeat("Rescue teams reached the village after the landslide. ", 6) + `</p></article></body></html>`
	a, err := ParseHTML("https://news.example/2020/landslide?ref=rss", []byte(page))
	if a.ID != "news.example-2020-landslide-ref-rss" {
		t.Errorf("ID = %q", a.ID)
	}
	if err == nil || !strings.Contains(err.Error(), "future") {
		t.Errorf("err = %v, want a date warning with the article", err)
	}
	a, err = ParseHTML("x.html", []byte("\x01\x02\x03\x04 binary"))
	if a.ID != "" || err == nil {
		t.Errorf("binary page: got %+v, %v", a, err)
	}
}

func TestParagraphs(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"paragraphs", "<p>One.</p><p>Two.</p>", []string{"One.", "Two."}},
		{"inline joins", "<p>One <b>bold</b> <a href=x>link</a>.</p>", []string{"One bold link."}},
		{"br splits", "First line<br>second line<br/><br/>third", []string{"First line", "second line", "third"}},
		{"whitespace collapsed", "<p>  a \n\t b\u00a0 c </p>", []string{"a b c"}},
		{"list items", "<ul><li>one</li><li>two</li></ul>", []string{"one", "two"}},
		{"table cells", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", []string{"a b", "c"}},
		{"skipped elements", "<p>keep</p><script>x()</script><style>p{}</style><figcaption>cap</figcaption><svg><text>svg</text></svg><p>also</p>", []string{"keep", "also"}},
		{"text around blocks", "lead <div>inner</div> tail", []string{"lead", "inner", "tail"}},
		{"entities", "<p>Fish &amp; chips &lt;3</p>", []string{"Fish & chips <3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := splitParas(htmlToText(tt.in)); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHTMLToTextPlain(t *testing.T) {
	got := htmlToText("First paragraph &amp; more.\n\nSecond   paragraph.\n")
	want := "First paragraph & more.\n\nSecond paragraph."
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLangCode(t *testing.T) {
	for in, want := range map[string]string{"en-GB": "en", "de_DE": "de", "EN": "en", "": "", "english": "", "e1": "", "fil": "fil"} {
		if got := langCode(in); got != want {
			t.Errorf("langCode(%q) = %q, want %q", in, got, want)
		}
	}
}
