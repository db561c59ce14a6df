package summarize

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"storyline/internal/analyze"
	"storyline/internal/article"
)

// src analyses an article as the pipeline does and makes a Source of it.
func src(id, title, text string) Source {
	d := analyze.Analyze(article.Article{ID: id, Title: title, Text: text})
	return Source{Article: id, Headline: d.Headline, Sentences: d.Sentences}
}

var (
	hanoiLead = "President Donald Trump and North Korean leader Kim Jong Un cut short their summit in Hanoi on Thursday without reaching a nuclear deal."
	ap        = src("ap", "Trump and Kim cut short Hanoi summit without a deal",
		hanoiLead+"\n"+
			"Trump said Kim had demanded that all sanctions be lifted in exchange for closing the Yongbyon nuclear complex.\n"+
			"The two leaders skipped a planned lunch and a signing ceremony at the Metropole hotel.\n"+
			"Did the summit fail because of poor preparation by both sides?\n"+
			"It was their second meeting.")
	// reuters opens with a near copy of the AP lead, then adds what only
	// it reports.
	reuters = src("reuters", "Trump walks away from Kim talks in Hanoi",
		strings.TrimSuffix(hanoiLead, ".")+", officials said.\n"+
			"North Korean Foreign Minister Ri Yong Ho said at a midnight news conference that Pyongyang had sought only partial relief from sanctions.\n"+
			"Markets in Seoul fell sharply after the talks collapsed, with the Kospi index down more than one percent.")
)

// vec is a unit term vector, to measure redundancy independently of the
// package's own code.
func vec(s string) map[string]float64 {
	v := map[string]float64{}
	for _, t := range analyze.Terms(s) {
		v[t]++
	}
	var n float64
	for _, w := range v {
		n += w * w
	}
	for k := range v {
		v[k] /= math.Sqrt(n)
	}
	return v
}

func cos(a, b string) float64 {
	va, vb := vec(a), vec(b)
	var d float64
	for k, w := range va {
		d += w * vb[k]
	}
	return d
}

func TestSummary(t *testing.T) {
	srcs := []Source{ap, reuters}
	position := map[string]int{}
	sourceOf := map[string]int{}
	for si, s := range srcs {
		for pi, text := range s.Sentences {
			position[s.Article+"\x00"+text] = pi
			sourceOf[s.Article] = si
		}
	}
	tests := []struct {
		n, want int
	}{
		{0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 4},
		// Eligible: 3 from AP (not the question, not the 5-word sentence)
		// and 3 from Reuters, less the near-copy of the AP lead.
		{10, 5},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			got := Summary(srcs, tt.n)
			if len(got) != tt.want {
				t.Fatalf("%d sentences, want %d: %q", len(got), tt.want, got)
			}
			for i, s := range got {
				// Each sentence keeps the id of the article it came from.
				pi, ok := position[s.Article+"\x00"+s.Text]
				if !ok {
					t.Fatalf("sentence %q is not a sentence of article %q", s.Text, s.Article)
				}
				if strings.HasSuffix(s.Text, "?") || len(strings.Fields(s.Text)) < 6 {
					t.Errorf("picked an ineligible sentence %q", s.Text)
				}
				// Reading order: by position, then by article order.
				if i > 0 {
					prev := got[i-1]
					pp := position[prev.Article+"\x00"+prev.Text]
					if pp > pi || pp == pi && sourceOf[prev.Article] > sourceOf[s.Article] {
						t.Errorf("%q (position %d) after %q (position %d)", s.Text, pi, prev.Text, pp)
					}
				}
				// No near-duplicates.
				for _, o := range got[:i] {
					if c := cos(o.Text, s.Text); c > 0.6 {
						t.Errorf("near-duplicates (cosine %.2f):\n%q\n%q", c, o.Text, s.Text)
					}
				}
			}
		})
	}
}

func TestSummaryDrawsFromSeveralSources(t *testing.T) {
	got := Summary([]Source{ap, reuters}, 3)
	articles := map[string]bool{}
	for _, s := range got {
		articles[s.Article] = true
	}
	if !articles["ap"] || !articles["reuters"] {
		t.Errorf("summary from %v only: %q", articles, got)
	}
	// The lead both carry appears once.
	n := 0
	for _, s := range got {
		if cos(s.Text, hanoiLead) > 0.9 {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the shared lead appears %d times: %q", n, got)
	}
}

func TestSummarySyndicatedCopies(t *testing.T) {
	// Three outlets ran the same wire copy; one added a paragraph.
	wire := "Iranian missiles struck two bases housing U.S. troops in Iraq early Wednesday, the Pentagon said.\n" +
		"There were no immediate reports of casualties at the Ain al-Asad and Erbil bases."
	srcs := []Source{
		src("a", "Iran fires missiles at U.S. bases in Iraq", wire),
		src("b", "Iran fires missiles at U.S. bases in Iraq", wire),
		src("c", "Iran strikes back at U.S. with missile attack", wire+"\nOil prices jumped more than four percent in Asian trading after the attack."),
	}
	got := Summary(srcs, 5)
	texts := map[string]int{}
	for _, s := range got {
		texts[s.Text]++
	}
	for text, n := range texts {
		if n > 1 {
			t.Errorf("%q picked %d times", text, n)
		}
	}
	if len(got) != 3 {
		t.Errorf("%d sentences, want the 3 distinct ones: %q", len(got), got)
	}
}

func TestSummaryWindowAndLength(t *testing.T) {
	var sentences []string
	subjects := []string{"Firefighters", "Deputies", "Volunteers", "Engineers", "Nurses", "Teachers", "Pilots", "Farmers",
		"Bakers", "Lawyers", "Miners", "Sailors", "Drivers", "Students", "Painters"}
	objects := []string{"levee", "hospital", "school", "bridge", "library", "stadium", "airport", "orchard",
		"market", "courthouse", "quarry", "harbor", "highway", "campus", "gallery"}
	for i := range subjects {
		sentences = append(sentences, fmt.Sprintf("%s gathered near the flooded %s in Dresden on Monday.", subjects[i], objects[i]))
	}
	long := "The river " + strings.Repeat("rose and rose again ", 16) + "overnight."
	srcs := []Source{{Article: "x", Sentences: append([]string{long}, sentences...)}}
	got := Summary(srcs, 100)
	if len(got) == 0 {
		t.Fatal("empty summary")
	}
	for _, s := range got {
		if s.Text == long {
			t.Errorf("picked a sentence of %d words", len(strings.Fields(long)))
		}
		if i := slices.Index(srcs[0].Sentences, s.Text); i >= 12 {
			t.Errorf("picked %q at position %d, beyond the lead window", s.Text, i)
		}
	}
}

func TestSummaryEmpty(t *testing.T) {
	tests := []struct {
		name string
		srcs []Source
	}{
		{"no sources", nil},
		{"no sentences", []Source{{Article: "a", Headline: "Quake hits Izmir"}}},
		{"only short sentences", []Source{{Article: "a", Sentences: []string{"Quake hits Izmir.", "Dozens hurt."}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Summary(tt.srcs, 3); len(got) != 0 {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestTitle(t *testing.T) {
	// The caption is given as a headline directly, as a reader that takes
	// a page's first line for its title would.
	caption := "Firefighters battle the Caldor fire near Lake Tahoe, Calif., Monday, Sept. 13, 2021. (AP Photo/Noah Berger)"
	lead := "President Joe Biden toured the damage left by the Caldor fire in California on Monday and pressed Congress to pass his climate plan."
	real := "Biden tours Caldor fire damage, pushes climate plan"
	body := []string{lead, "He said the fires showed the cost of doing nothing about climate change."}
	tests := []struct {
		name string
		srcs []Source
		want string
	}{
		{
			name: "real headline over a date line",
			srcs: []Source{{Article: "a", Headline: "Monday, Sept. 13, 2021", Sentences: body}, {Article: "b", Headline: real, Sentences: body}},
			want: real,
		},
		{
			name: "real headline over a caption",
			srcs: []Source{{Article: "a", Headline: caption, Sentences: body}, {Article: "b", Headline: real, Sentences: body}},
			want: real,
		},
		{
			name: "real headline over a caption, other order",
			srcs: []Source{{Article: "b", Headline: real, Sentences: body}, {Article: "a", Headline: caption, Sentences: body}},
			want: real,
		},
		{
			name: "analysed articles",
			srcs: []Source{
				src("a", "", "Monday, Sept. 13, 2021\n"+lead),
				src("b", real, lead),
			},
			want: real,
		},
		{
			name: "headline closest to the event wins",
			srcs: []Source{
				{Article: "a", Headline: "What we know so far", Sentences: body},
				{Article: "b", Headline: "Biden presses Congress on climate after touring fire damage", Sentences: body},
				{Article: "c", Headline: "Live updates: the latest news", Sentences: body},
			},
			want: "Biden presses Congress on climate after touring fire damage",
		},
		{
			name: "no headline: the lead sentence, shortened",
			srcs: []Source{src("a", "", "Monday, Sept. 13, 2021\n"+lead+"\nHe met firefighters and local officials.")},
			want: "Joe Biden toured the damage left by the Caldor fire in California on Monday…",
		},
		{
			name: "too short and too long headlines are ignored",
			srcs: []Source{
				{Article: "a", Headline: "Fire", Sentences: body},
				{Article: "b", Headline: strings.Repeat("fire ", 26), Sentences: body},
				{Article: "c", Sentences: []string{"Biden tours California fire damage and calls for climate action."}},
			},
			// Two articles open with the lead: it states what they agree on.
			want: "Joe Biden toured the damage left by the Caldor fire in California on Monday…",
		},
		{
			name: "headline that is page furniture is passed over",
			srcs: []Source{
				{Article: "a", Headline: "Page last updated at 15:47 GMT, Friday, 22 January 2010", Sentences: body},
				{Article: "b", Headline: real, Sentences: body},
			},
			want: real,
		},
		{
			name: "no headline: a caption states the happening over background and quotes",
			srcs: []Source{{
				Article: "a",
				Sentences: []string{
					"Russia joined the conflict in September 2015, when the army appeared close to collapse, and has since tipped the balance.",
					"\u201cI am happy to be here, six years after our joint operations,\u201d the TV quoted the visitor as saying.",
					"The visitor has made very few trips abroad since the conflict began.",
				},
				Captions: []string{"Russian President Vladimir Putin sits with Syrian President Bashar Assad during their meeting in the Kremlin in Moscow, Russia"},
			}},
			want: "Vladimir Putin sits with Bashar Assad during their meeting in the Kremlin in Moscow…",
		},
		{
			name: "no headline: the sentence most articles agree on, not one article's background",
			srcs: []Source{
				{Article: "a", Sentences: []string{"The dam was built in 1962 and last inspected in 2019 by state engineers.", "A dam burst on Tuesday and flooded three villages in the valley below."}},
				{Article: "b", Sentences: []string{"Three villages were flooded on Tuesday after a dam burst upstream."}},
			},
			want: "Three villages were flooded on Tuesday after a dam burst upstream",
		},
		{
			name: "nothing to go on",
			srcs: []Source{{Article: "a", Sentences: []string{"Too short."}}},
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Title(tt.srcs); got != tt.want {
				t.Errorf("Title = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSummaryRedundancy gives three outlets' leads that state one happening
// in other words, and a detail each: the summary states the happening once
// and spends its other sentences on the details.
func TestSummaryRedundancy(t *testing.T) {
	srcs := []Source{
		{Article: "a", Sentences: []string{
			"Russian President Vladimir Putin visited Syria on Tuesday to meet with President Bashar al-Assad amid escalating tensions between Iran and the U.S.",
			"Kremlin spokesman Dmitry Peskov said the two leaders were presented with military reports on the situation in Syria.",
		}},
		{Article: "b", Sentences: []string{
			"Russian President Vladimir Putin made a rare visit to Syria on Tuesday where he held talks with his Syrian counterpart, Bashar al-Assad.",
			"It was his first trip to the war-hit country since his visit to the Khmeimim airbase in Latakia province.",
		}},
		{Article: "c", Sentences: []string{
			"Russian President Vladimir Putin met Tuesday with Syrian President Bashar al-Assad less than a week after the United States killed a top Iranian commander.",
			"Putin met with Assad at the Russian military headquarters in Damascus, where the two men heard military reports.",
		}},
	}
	got := Summary(srcs, 4)
	if len(got) < 3 {
		t.Fatalf("got %d sentences, want at least 3: %q", len(got), got)
	}
	leads := 0
	for i, a := range got {
		if strings.Contains(a.Text, "Tuesday") {
			leads++
		}
		for _, b := range got[i+1:] {
			if c := dot(unit(a.Text), unit(b.Text)); c > MaxRedundancy {
				t.Errorf("cosine %.2f > %.2f between %q and %q", c, MaxRedundancy, a.Text, b.Text)
			}
		}
	}
	if leads != 1 {
		t.Errorf("the Tuesday visit is stated %d times, want once: %q", leads, got)
	}
}

func TestHeadlineStyle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Russian President Vladimir Putin sits with Syrian President Bashar al-Assad during their meeting in the Kremlin in Moscow", "Vladimir Putin sits with Bashar al-Assad during their meeting in the Kremlin in Moscow"},
		{"U.S. Secretary of State Antony Blinken flew to Kyiv on Thursday for talks with officials about the war and its aftermath", "Antony Blinken flew to Kyiv on Thursday for talks with officials about the war and its aftermath"},
		// Short enough already: the office stays.
		{"President Joe Biden toured the fire damage", "President Joe Biden toured the fire damage"},
		// An office without a name after it stays.
		{"The President said on Monday that the new rules for the border would take effect within the next two weeks", "The President said on Monday that the new rules for the border would take effect within the next two weeks"},
	}
	for _, tt := range tests {
		if got := headlineStyle(tt.in); got != tt.want {
			t.Errorf("headlineStyle(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestShorten(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"short input kept, final period dropped", "Quake kills 12 in Izmir.", 14, "Quake kills 12 in Izmir"},
		{"no period", "Quake kills 12 in Izmir", 14, "Quake kills 12 in Izmir"},
		{"first letter capitalised", "rescuers search the rubble", 14, "Rescuers search the rubble"},
		{"first letter capitalised beyond ASCII", "élite troops deploy", 14, "Élite troops deploy"},
		{"exactly max words kept", "one two three four five six", 6, "One two three four five six"},
		{"surrounding space trimmed", "  Quake kills 12.  ", 14, "Quake kills 12"},
		{"empty", "", 14, ""},
		{
			"long input cut at a word boundary",
			"Rescue teams searched through the night for survivors buried under collapsed apartment blocks in the coastal city of Izmir.",
			8,
			"Rescue teams searched through the night for survivors…",
		},
		{
			"cut at a clause boundary in the second half",
			"A strong earthquake struck the Aegean Sea on Friday, killing at least 12 people and injuring hundreds more in Turkey and Greece.",
			14,
			"A strong earthquake struck the Aegean Sea on Friday…",
		},
		{
			"a clause boundary too early is ignored",
			"In Izmir, rescue teams searched through the night for survivors buried under collapsed apartment blocks on the coast.",
			10,
			"In Izmir, rescue teams searched through the night for survivors…",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Shorten(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("Shorten(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if n := len(strings.Fields(got)); n > tt.max {
				t.Errorf("%d words, max %d", n, tt.max)
			}
			// Every word is a whole word of the input.
			in := strings.Fields(tt.in)
			for i, w := range strings.Fields(strings.TrimSuffix(got, "…")) {
				if i == 0 {
					continue // may be capitalised
				}
				if !strings.HasPrefix(in[i], w) {
					t.Errorf("word %d %q is not the input's %q", i, w, in[i])
				}
			}
		})
	}
}

func TestWordCount(t *testing.T) {
	for _, s := range []string{"", " ", "one", " two  words ", "tab\tand\nnew line", "non\u00a0breaking space", "\xffbroken utf8 \xfe", "Ünïcödé wörds ok"} {
		if got, want := wordCount(s), len(strings.Fields(s)); got != want {
			t.Errorf("wordCount(%q) = %d, want %d", s, got, want)
		}
	}
}
