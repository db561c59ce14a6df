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

// problemSummary renders a Problem as "line field: message-fragment" for
// compact expectations.
type wantProblem struct {
	line  int
	field string
	msg   string
}

func checkProblems(t *testing.T, path string, errs []error, want []wantProblem) {
	t.Helper()
	if len(errs) != len(want) {
		t.Fatalf("got %d problems %v, want %d", len(errs), errs, len(want))
	}
	for i, err := range errs {
		var p *Problem
		if !errors.As(err, &p) {
			t.Errorf("error %v is not a *Problem", err)
			continue
		}
		w := want[i]
		if p.Path != path || p.Line != w.line || p.Field != w.field || !strings.Contains(p.Err.Error(), w.msg) {
			t.Errorf("problem %d = %q (line %d, field %q), want line %d, field %q, containing %q",
				i, p, p.Line, p.Field, w.line, w.field, w.msg)
		}
	}
}

type wantItem struct {
	id, title, date, url string
	paras                int
}

func TestParseFeedFiles(t *testing.T) {
	tests := []struct {
		file     string
		source   string
		lang     string
		items    []wantItem
		problems []wantProblem
	}{
		{
			file:   "testdata/feed.rss",
			source: "The Northern Ledger – World",
			lang:   "en",
			items: []wantItem{
				{"northernledger.example-world-2021-03-14-ceasefire-talks-geneva", "Ceasefire talks resume in Geneva as aid convoys wait", "2021-03-14", "https://northernledger.example/world/2021/03/14/ceasefire-talks-geneva", 2},
				{"tag-northernledger.example-2021-port-strike-0313", "Port strike enters second week", "2021-03-13", "https://northernledger.example/business/2021/03/13/port-strike", 2},
				{"northernledger.example-world-2021-03-12-floods", "Floods close mountain pass", "", "https://northernledger.example/world/2021/03/12/floods", 1},
				{"northernledger.example-world-2021-03-11-election", "Election date set for autumn", "", "", 1},
			},
			problems: []wantProblem{
				{23, "pubDate", "unreadable date"},
				{29, "date", "in the future"},
				{35, "", "empty feed item"},
			},
		},
		{
			file:   "testdata/feed.atom",
			source: "Nordkurier Ausland",
			lang:   "de",
			items: []wantItem{
				// Published 23:30 at UTC-2: the next UTC day.
				{"urn-uuid-4f0c3a52-0d6e-4c7b-9a3e-1b2f61b7d002", "Waffenstillstandsgespräche in Genf fortgesetzt", "2021-03-15", "https://nordkurier.example/ausland/genf-gespraeche", 2},
				// No <published>: the update date stands in.
				{"urn-uuid-4f0c3a52-0d6e-4c7b-9a3e-1b2f61b7d003", "Hafenstreik geht weiter", "2021-03-13", "https://nordkurier.example/wirtschaft/hafenstreik", 1},
			},
		},
		{
			file:   "testdata/feed.json",
			source: "Ledger Briefing",
			lang:   "en",
			items: []wantItem{
				{"briefing-2021-03-14", "Sunday briefing: Geneva talks", "2021-03-14", "https://northernledger.example/briefing/2021-03-14", 2},
				{"briefing-2021-03-13", "Saturday briefing: port strike", "", "", 2},
			},
			problems: []wantProblem{{0, "date", "before 1900"}},
		},
		{
			file:   "testdata/broken.rss",
			source: "The Northern Ledger – World",
			lang:   "en",
			items: []wantItem{
				{"northernledger.example-world-2021-03-14-ceasefire-talks-geneva", "Ceasefire talks resume in Geneva as aid convoys wait", "2021-03-14", "https://northernledger.example/world/2021/03/14/ceasefire-talks-geneva", 2},
			},
			problems: []wantProblem{{21, "", "broken feed XML"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			arts, errs := ParseFeed(tt.file, data)
			checkProblems(t, tt.file, errs, tt.problems)
			if len(arts) != len(tt.items) {
				t.Fatalf("got %d articles, want %d", len(arts), len(tt.items))
			}
			for i, a := range arts {
				w := tt.items[i]
				date := ""
				if a.HasDate() {
					date = a.Date.Format(time.DateOnly)
				}
				if a.ID != w.id || a.Title != w.title || date != w.date || a.URL != w.url {
					t.Errorf("item %d = {%q %q %q %q}, want {%q %q %q %q}", i, a.ID, a.Title, date, a.URL, w.id, w.title, w.date, w.url)
				}
				if n := len(splitParas(a.Text)); n != w.paras {
					t.Errorf("item %d has %d paragraphs, want %d: %q", i, n, w.paras, a.Text)
				}
				if a.Source != tt.source || a.Lang != tt.lang {
					t.Errorf("item %d source/lang = %q/%q, want %q/%q", i, a.Source, a.Lang, tt.source, tt.lang)
				}
				if !strings.HasPrefix(a.Origin, tt.file) {
					t.Errorf("item %d origin %q", i, a.Origin)
				}
				for _, m := range markers {
					if strings.Contains(a.Text, m) {
						t.Errorf("item %d: %s leaked", i, m)
					}
				}
			}
		})
	}
}

func TestParseFeedHostile(t *testing.T) {
	const rssHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<rss version="2.0"><channel><title>T</title>` + "\n"
	tests := []struct {
		name     string
		input    string
		ids      []string
		problems []wantProblem
	}{
		{
			name:     "not a feed",
			input:    `<?xml version="1.0"?><catalog><book>x</book></catalog>`,
			problems: []wantProblem{{0, "", "not an RSS, Atom or JSON feed"}},
		},
		{
			name:     "no items",
			input:    rssHead + `</channel></rss>`,
			problems: []wantProblem{{0, "", "no items"}},
		},
		{
			name:     "broken before any item",
			input:    rssHead + "<title>oops</channel>",
			problems: []wantProblem{{3, "", "broken feed XML"}},
		},
		{
			name: "broken item in the middle",
			input: rssHead + "<item><guid>a</guid><title>A</title></item>\n" +
				"<item><guid>b</guid><title x=\"1>B</title></item>\n" +
				"<item><guid>c</guid><title>C</title></item>\n</channel></rss>",
			ids:      []string{"a", "c"},
			problems: []wantProblem{{4, "", "recovered 2 complete items"}},
		},
		{
			name:     "invalid UTF-8",
			input:    rssHead + "<item><guid>u</guid><title>Caf\xe9</title></item></channel></rss>",
			ids:      []string{"u"},
			problems: []wantProblem{{0, "", "invalid UTF-8 replaced"}},
		},
		{
			name:  "declared Latin-1",
			input: `<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>T</title><item><guid>l</guid><title>Caf` + "\xe9" + `</title></item></channel></rss>`,
			ids:   []string{"l"},
		},
		{
			name:  "duplicate GUIDs",
			input: rssHead + "<item><guid>d</guid><title>One</title></item>\n<item><guid>d</guid><title>Two</title></item></channel></rss>",
			ids:   []string{"d", "d-2"},
		},
		{
			name:  "no GUID or link: stable hash",
			input: rssHead + "<item><title>Only a title</title></item></channel></rss>",
			ids:   []string{"item-" + hashHex("Only a title\x00\x00")},
		},
		{
			name:     "broken JSON Feed",
			input:    "{\"version\": \"https://jsonfeed.org/version/1.1\",\n\"items\": [\n{\"id\": 1,,}]}",
			problems: []wantProblem{{3, "", "broken JSON Feed"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts, errs := ParseFeed("f.xml", []byte(tt.input))
			var ids []string
			for _, a := range arts {
				ids = append(ids, a.ID)
			}
			if !slices.Equal(ids, tt.ids) {
				t.Errorf("ids = %q, want %q (problems %v)", ids, tt.ids, errs)
			}
			checkProblems(t, "f.xml", errs, tt.problems)
			if tt.name == "declared Latin-1" && len(arts) == 1 && arts[0].Title != "Café" {
				t.Errorf("title %q not transcoded", arts[0].Title)
			}
		})
	}
}

func TestSafeID(t *testing.T) {
	long := "https://news.example/" + strings.Repeat("segment/", 30)
	tests := []struct{ in, want string }{
		{"https://news.example/world/2020/01/07/story", "news.example-world-2020-01-07-story"},
		{"tag:news.example,2020:1234", "tag-news.example-2020-1234"},
		{"  plain-id_42  ", "plain-id_42"},
		{"urn:uuid:4F0C3A52", "urn-uuid-4F0C3A52"},
		{"Ünïcödé ?? id", "n-c-d-id"},
		{"???", ""},
		{"", ""},
		{"../../etc/passwd", "etc-passwd"},
		{long, strings.TrimRight(safeIDNoLimit(long)[:maxIDLen-17], "-.") + "-" + hashHex(long)},
	}
	for _, tt := range tests {
		if got := safeID(tt.in); got != tt.want {
			t.Errorf("safeID(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := safeID(tt.in); len(got) > maxIDLen {
			t.Errorf("safeID(%q) has %d bytes", tt.in, len(got))
		}
	}
}

// safeIDNoLimit is safeID before truncation, for building expectations.
func safeIDNoLimit(s string) string {
	s = strings.TrimPrefix(s, "https://")
	var b strings.Builder
	for _, r := range s {
		if r == '/' {
			r = '-'
		}
		b.WriteRune(r)
	}
	return strings.Trim(b.String(), "-.")
}

func TestIsJSONFeed(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`{"version": "https://jsonfeed.org/version/1.1", "items": []}`, true},
		{`{"items": [], "version": "https://jsonfeed.org/version/1"}`, true},
		{`{"version": "http://jsonfeed.org/version/1"}`, true},
		{`{"id": "a", "text": "see https://jsonfeed.org"}`, false},
		{`{"version": 2, "text": "jsonfeed.org"}`, false},
		{"{\"id\": \"a\"}\n{\"id\": \"b\", \"url\": \"https://jsonfeed.org\"}", false},
		{`[{"version": "https://jsonfeed.org/version/1"}]`, false},
	}
	for _, tt := range tests {
		if got := isJSONFeed([]byte(tt.in)); got != tt.want {
			t.Errorf("isJSONFeed(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestFeedMatchesSeedText puts the seed articles in an RSS feed, as an outlet
// would publish them with full content, and checks that the feed yields the
// same articles as the text files: title, date and paragraphs.
func TestFeedMatchesSeedText(t *testing.T) {
	const seedDir = "../../../shared/seeds"
	seeds, err := filepath.Glob(filepath.Join(seedDir, "*.txt"))
	if err != nil || len(seeds) == 0 {
		t.Skipf("no seeds in %s", seedDir)
	}
	var want []Article
	for _, seed := range seeds {
		data, err := os.ReadFile(seed)
		if err != nil {
			t.Fatal(err)
		}
		parseText(seed, data, func(a Article, err error) bool {
			if err == nil {
				if a.Title == "" {
					a.Title = "Seed story " + a.ID
				}
				want = append(want, a)
			}
			return true
		})
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Seed Times</title><link>https://seed.example/</link>`)
	for _, a := range want {
		fmt.Fprintf(&b, "<item><title>%s</title><link>https://seed.example/%s</link><guid>%s</guid>", html.EscapeString(a.Title), a.ID, a.ID)
		if !a.Date.IsZero() {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", a.Date.Format(time.RFC1123Z))
		}
		b.WriteString("<content:encoded><![CDATA[")
		for _, p := range splitParas(a.Text) {
			fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(p))
		}
		b.WriteString("]]></content:encoded></item>")
	}
	b.WriteString("</channel></rss>")
	got, problems := ParseFeed("seeds.rss", []byte(b.String()))
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if len(got) != len(want) {
		t.Fatalf("feed gave %d articles, text files %d", len(got), len(want))
	}
	for i, g := range got {
		w := want[i]
		if g.ID != w.ID || g.Title != w.Title || !g.Date.Equal(w.Date) {
			t.Errorf("item %d: id %q title %q date %v; want %q %q %v", i, g.ID, g.Title, g.Date, w.ID, w.Title, w.Date)
		}
		if gp, wp := splitParas(g.Text), splitParas(w.Text); !slices.Equal(gp, wp) {
			t.Errorf("item %s: paragraphs differ: got %d, want %d", w.ID, len(gp), len(wp))
		}
	}
}
