package synth

import (
	"bytes"
	"encoding/json"
	"errors"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"storyline/internal/article"
)

func collect(cfg Config, limit int) []article.Article {
	var out []article.Article
	for a := range Stream(cfg) {
		if len(out) == limit {
			break
		}
		out = append(out, a)
	}
	return out
}

func TestDeterminism(t *testing.T) {
	cfg := DefaultConfig(5000, 42)
	a, b := collect(cfg, 1000), collect(cfg, 1000)
	if len(a) != 1000 {
		t.Fatalf("got %d articles, want 1000", len(a))
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different streams")
	}
	c := collect(DefaultConfig(5000, 43), 1000)
	same := 0
	for i := range a {
		if a[i].Text == c[i].Text || a[i].Title == c[i].Title {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 42 and 43 share %d of 1000 titles or texts", same)
	}

	// Byte for byte through the writer too.
	small := DefaultConfig(2000, 7)
	var w1, w2 bytes.Buffer
	if err := WriteJSONL(&w1, small); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSONL(&w2, small); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w1.Bytes(), w2.Bytes()) {
		t.Error("WriteJSONL is not deterministic")
	}
	// A golden hash pins the stream across Go releases and runs: benchmark
	// numbers are comparable only on the same input. Update it when the
	// generator is changed on purpose.
	h := fnv.New64a()
	h.Write(w1.Bytes())
	if got := h.Sum64(); got != goldenHash {
		t.Errorf("stream hash of DefaultConfig(2000, 7) is %#x, was %#x: update goldenHash if the generator changed on purpose", got, goldenHash)
	}
}

const goldenHash = 0x3123b28e2bf4fc30

type failWriter struct{ after int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteJSONLError(t *testing.T) {
	err := WriteJSONL(&failWriter{after: 1 << 20}, DefaultConfig(5000, 1))
	if err == nil || err.Error() != "disk full" {
		t.Errorf("WriteJSONL = %v, want the writer's error", err)
	}
}

// TestStreamShape checks the per-article contract on a mid-sized stream.
func TestStreamShape(t *testing.T) {
	const n = 30000
	cfg := DefaultConfig(n, 1)
	ids := map[string]bool{}
	urls := map[string]bool{}
	var prev time.Time
	first := map[string]time.Time{} // event -> first date
	var dated, bylines, quotes, minW, maxW, sumW, originals int
	minW = math.MaxInt
	i := 0
	for a := range Stream(cfg) {
		i++
		if a.ID == "" || a.Title == "" || a.Text == "" || a.URL == "" || a.Source == "" || a.Lang != "en" {
			t.Fatalf("article %d incomplete: %+v", i, a)
		}
		if a.Gold.Event == "" || a.Gold.Topic == "" {
			t.Fatalf("article %s has no gold labels", a.ID)
		}
		if ids[a.ID] || urls[a.URL] {
			t.Fatalf("duplicate id or url %s %s", a.ID, a.URL)
		}
		ids[a.ID], urls[a.URL] = true, true
		if a.Date.Before(prev) {
			t.Fatalf("article %s dated %v after %v", a.ID, a.Date, prev)
		}
		prev = a.Date
		if d, ok := first[a.Gold.Event]; !ok {
			first[a.Gold.Event] = a.Date
		} else if a.Date.Sub(d) > 2*24*time.Hour {
			t.Errorf("event %s spans %v", a.Gold.Event, a.Date.Sub(d))
		}
		if strings.TrimSpace(a.Text) != a.Text || strings.Contains(a.Text, "\n\n") || strings.Contains(a.Text, "  ") {
			t.Errorf("article %s has stray spaces or blank lines", a.ID)
		}
		if strings.Count(a.Text, "\n") < 1 {
			t.Errorf("article %s has a single paragraph", a.ID)
		}
		if nt := len(strings.Fields(a.Title)); nt < 6 || nt > 18 {
			t.Errorf("title %q has %d words", a.Title, nt)
		}
		if !strings.Contains(a.Title, " - ") {
			// Not an aggregator-suffixed copy: the bare headline rule holds.
			if nt := len(strings.Fields(a.Title)); nt > 14 {
				t.Errorf("title %q has %d words", a.Title, nt)
			}
		}
		if containsDate(a.Text) {
			dated++
		}
		if strings.HasPrefix(a.Text, "By ") {
			bylines++
		}
		if strings.Contains(a.Text, `," `) {
			quotes++
		}
		if a.Date.Before(cfg.Start) || a.Date.After(cfg.Start.AddDate(6, 0, 0)) {
			t.Fatalf("date %v out of span", a.Date)
		}
		w := len(strings.Fields(a.Text))
		if !strings.Contains(a.Title, " - ") {
			originals++
			minW, maxW, sumW = min(minW, w), max(maxW, w), sumW+w
		}
	}
	if i != n {
		t.Fatalf("got %d articles, want %d", i, n)
	}
	end := cfg.Start.AddDate(5, 0, 0)
	if prev.Before(end.AddDate(0, -2, 0)) || prev.After(end.AddDate(0, 2, 0)) {
		t.Errorf("last date %v, want near %v: dates must spread over the span", prev, end)
	}
	share := func(k int) float64 { return float64(k) / n }
	t.Logf("dated %.2f, bylines %.2f, quotes %.2f, words %d..%d mean %d", share(dated), share(bylines),
		share(quotes), minW, maxW, sumW/originals)
	if s := share(dated); s < 0.35 || s > 0.8 {
		t.Errorf("%.2f of articles state a date", s)
	}
	if s := share(bylines); s < 0.1 || s > 0.3 {
		t.Errorf("%.2f of articles have a byline", s)
	}
	if minW < 140 || maxW > 900 || sumW/originals < 250 || sumW/originals > 500 {
		t.Errorf("article lengths %d..%d, mean %d words", minW, maxW, sumW/originals)
	}
}

var dateWords = append(weekdays[:], months[:]...)

func containsDate(s string) bool {
	for _, w := range dateWords {
		if strings.Contains(s, "on "+w) || strings.Contains(s, "yesterday") {
			return true
		}
	}
	return false
}

// TestEventsAndTopics checks that event sizes are Zipfian, that several
// events are live at once, and that events of one topic share actors.
func TestEventsAndTopics(t *testing.T) {
	const n = 100000
	size := map[string]int{}
	topicOf := map[string]string{}
	byDay := map[time.Time]map[string]bool{}
	for a := range Stream(DefaultConfig(n, 3)) {
		size[a.Gold.Event]++
		if tp, ok := topicOf[a.Gold.Event]; ok && tp != a.Gold.Topic {
			t.Fatalf("event %s in topics %s and %s", a.Gold.Event, tp, a.Gold.Topic)
		}
		topicOf[a.Gold.Event] = a.Gold.Topic
		if byDay[a.Date] == nil {
			byDay[a.Date] = map[string]bool{}
		}
		byDay[a.Date][a.Gold.Event] = true
	}
	var singles, ge10, ge100, largest int
	for _, s := range size {
		switch {
		case s == 1:
			singles++
		case s >= 100:
			ge100++
			fallthrough
		case s >= 10:
			ge10++
		}
		largest = max(largest, s)
	}
	events := len(size)
	t.Logf("%d events, %.2f singletons, %.3f >= 10, %d >= 100, largest %d", events,
		float64(singles)/float64(events), float64(ge10)/float64(events), ge100, largest)
	// Zipf with exponent 2: P(1) = 1/zeta(2) = 0.61, P(>=k) ~ 0.6/k.
	if s := float64(singles) / float64(events); s < 0.5 || s > 0.7 {
		t.Errorf("singleton share %.2f, want about 0.6", s)
	}
	if s := float64(ge10) / float64(events); s < 0.03 || s > 0.1 {
		t.Errorf("share of events >= 10 articles %.3f, want about 0.06", s)
	}
	if ge100 < 10 || largest < 300 {
		t.Errorf("%d events of 100+ articles, largest %d: want a few large events", ge100, largest)
	}
	// Interleaving: on a typical day several events publish.
	var perDay []int
	for _, evs := range byDay {
		perDay = append(perDay, len(evs))
	}
	slices.Sort(perDay)
	if med := perDay[len(perDay)/2]; med < 10 {
		t.Errorf("median events a day %d, want several live at once", med)
	}
	// Topics group several events.
	topics := map[string]int{}
	for _, tp := range topicOf {
		topics[tp]++
	}
	if r := float64(events) / float64(len(topics)); r < 5 {
		t.Errorf("%.1f events per topic, want topics that recur", r)
	}
}

// TestSharedActors checks the hard case: different events of one topic
// name the same people.
func TestSharedActors(t *testing.T) {
	lx := lex()
	surnames := map[string]bool{}
	for _, l := range lx.lasts {
		surnames[l] = true
	}
	// topic -> surname -> events naming it
	named := map[string]map[string]map[string]bool{}
	for a := range Stream(DefaultConfig(20000, 5)) {
		m := named[a.Gold.Topic]
		if m == nil {
			m = map[string]map[string]bool{}
			named[a.Gold.Topic] = m
		}
		for _, w := range strings.FieldsFunc(a.Text, func(r rune) bool { return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') }) {
			if surnames[w] {
				if m[w] == nil {
					m[w] = map[string]bool{}
				}
				m[w][a.Gold.Event] = true
			}
		}
	}
	multi, shared := 0, 0
	for _, m := range named {
		evs := map[string]bool{}
		best := 0
		for _, e := range m {
			for ev := range e {
				evs[ev] = true
			}
			best = max(best, len(e))
		}
		if len(evs) >= 3 {
			multi++
			if best >= 2 {
				shared++
			}
		}
	}
	if multi == 0 || float64(shared)/float64(multi) < 0.8 {
		t.Errorf("%d of %d topics with 3+ events have an actor in two events", shared, multi)
	}
}

// TestDuplicates finds near-duplicates from the text alone (long sentences
// shared with an earlier article) and checks their share, that they stay in
// their event, and that they differ from their original.
func TestDuplicates(t *testing.T) {
	for _, rate := range []float64{0.1, 0.3, 0} {
		cfg := DefaultConfig(20000, 11)
		cfg.DuplicateRate = rate
		type src struct{ event, source, id, text string }
		seen := map[string]src{} // long sentence -> first article with it
		dups := 0
		for a := range Stream(cfg) {
			var orig *src
			shared := 0
			for _, s := range strings.FieldsFunc(a.Text, func(r rune) bool { return r == '.' || r == '\n' }) {
				if len(s) < 60 {
					continue
				}
				if o, ok := seen[s]; ok {
					shared++
					if o.event != a.Gold.Event {
						t.Fatalf("%s shares a sentence with %s of another event", a.ID, o.id)
					}
					orig = &o
					continue
				}
				seen[s] = src{a.Gold.Event, a.Source, a.ID, a.Text}
			}
			if shared >= 2 {
				dups++
				if orig.source == a.Source {
					t.Errorf("copy %s has the source of its original %s", a.ID, orig.id)
				}
				if orig.text == a.Text {
					t.Errorf("copy %s equals its original %s", a.ID, orig.id)
				}
			}
		}
		got := float64(dups) / float64(cfg.Articles)
		t.Logf("rate %.2f: %.3f near-duplicates", rate, got)
		if math.Abs(got-rate) > 0.02 {
			t.Errorf("rate %.2f: %.3f of articles are near-duplicates", rate, got)
		}
	}
}

// TestVocabulary checks the Zipfian word frequencies and the share of
// function words that stop-word removal must find.
func TestVocabulary(t *testing.T) {
	counts := map[string]int{}
	total := 0
	for a := range Stream(DefaultConfig(3000, 2)) {
		for _, w := range strings.FieldsFunc(strings.ToLower(a.Text), func(r rune) bool { return !('a' <= r && r <= 'z') && r != '\'' }) {
			counts[w]++
			total++
		}
	}
	var freq []int
	for _, c := range counts {
		freq = append(freq, c)
	}
	slices.Sort(freq)
	slices.Reverse(freq)
	top := ""
	for w, c := range counts {
		if c == freq[0] {
			top = w
		}
	}
	if top != "the" {
		t.Errorf("most frequent word %q, want the", top)
	}
	if s := float64(freq[0]) / float64(total); s < 0.02 || s > 0.1 {
		t.Errorf(`"the" is %.3f of words`, s)
	}
	// Slope of log frequency over log rank between ranks 10 and 1000.
	var sx, sy, sxx, sxy float64
	k := 0
	for r := 10; r <= 1000 && r < len(freq); r++ {
		x, y := math.Log(float64(r+1)), math.Log(float64(freq[r]))
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
		k++
	}
	slope := (float64(k)*sxy - sx*sy) / (float64(k)*sxx - sx*sx)
	fn := 0
	for _, w := range functionWords {
		fn += counts[w]
	}
	t.Logf("%d word types, slope %.2f, function words %.2f", len(counts), slope, float64(fn)/float64(total))
	if slope > -0.8 || slope < -1.5 {
		t.Errorf("log-log slope %.2f, want about -1.1", slope)
	}
	if s := float64(fn) / float64(total); s < 0.3 || s > 0.65 {
		t.Errorf("function words are %.2f of running words", s)
	}
	if len(counts) < 20000 {
		t.Errorf("only %d word types", len(counts))
	}
}

// TestWriteJSONLReadable reads the output back with the project's reader.
func TestWriteJSONLReadable(t *testing.T) {
	cfg := DefaultConfig(3000, 9)
	path := filepath.Join(t.TempDir(), "synth.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteJSONL(f, cfg); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var r article.Reader
	got, problems := r.ReadAll(path)
	if len(problems) > 0 {
		t.Fatalf("reader problems: %v", problems[:min(len(problems), 5)])
	}
	want := collect(cfg, -1)
	if len(got) != len(want) {
		t.Fatalf("read %d articles, wrote %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if !strings.HasSuffix(g.Origin, strings.TrimPrefix(w.Origin, "synth")) {
			t.Errorf("origin %q, stream said %q", g.Origin, w.Origin)
		}
		g.Origin = w.Origin
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("article %d read back as\n%+v\nwant\n%+v", i, g, w)
		}
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "new\nline\ttab\r", "ctl \x01\x1f\x7f",
		"ünïcode 東京 \u2028", "bad \xff utf8 \xe2\x82", "<html>&amp;"} {
		b := appendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("%q encoded as invalid JSON %s: %v", s, b, err)
			continue
		}
		if want := strings.ToValidUTF8(s, "\uFFFD"); back != want && !strings.Contains(s, "\xe2\x82") {
			t.Errorf("%q round-tripped as %q", s, back)
		}
	}
}

// TestBoundedState streams 200,000 articles and checks through the
// generator's counters that its state is bounded by the events live on a
// day, not the length of the stream: a stream four times longer at the
// same daily rate keeps about as many events.
func TestBoundedState(t *testing.T) {
	run := func(n int, years float64) *gen {
		cfg := DefaultConfig(n, 4)
		cfg.Years = years
		g := newGen(cfg)
		for {
			if _, ok := g.next(); !ok {
				return g
			}
		}
	}
	short, long := run(50000, 1.25), run(200000, 5)
	mean := func(g *gen) float64 { return float64(g.stats.liveSum) / float64(g.stats.days) }
	for _, g := range []*gen{short, long} {
		t.Logf("%d articles: %d events, %d topics; live events %.0f on average, at most %d; at most %d articles a day; %d event records, %d topic slots",
			g.emitted, g.stats.events, g.stats.topics, mean(g), g.stats.maxLive, g.stats.maxQueue, len(g.live)+len(g.free), len(g.topics))
		// Event records are recycled: no more exist than were ever live.
		if recs := len(g.live) + len(g.free); recs > g.stats.maxLive {
			t.Errorf("%d event records for at most %d live events", recs, g.stats.maxLive)
		}
		if g.stats.maxLive > 1000 || g.stats.maxQueue > 5000 {
			t.Errorf("%d live events, %d articles a day", g.stats.maxLive, g.stats.maxQueue)
		}
	}
	// Four times the stream at the same daily rate: the same state on
	// average (the maximum grows a little with the number of days drawn).
	if r := mean(long) / mean(short); r < 0.8 || r > 1.25 {
		t.Errorf("state grows with the stream: %.0f vs %.0f live events on average", mean(long), mean(short))
	}
	if long.stats.maxLive > 3*short.stats.maxLive || len(long.topics) > len(short.topics)*11/10 {
		t.Errorf("state grows with the stream: %d vs %d live events, %d vs %d topic slots",
			long.stats.maxLive, short.stats.maxLive, len(long.topics), len(short.topics))
	}
	if long.stats.events < 3*short.stats.events {
		t.Errorf("long stream has %d events, short %d", long.stats.events, short.stats.events)
	}
}

func TestConfigEdges(t *testing.T) {
	for _, n := range []int{-1, 0, 1, 2, 17, 500} {
		got := collect(Config{Articles: n}, -1)
		if len(got) != max(n, 0) {
			t.Errorf("Articles %d: got %d", n, len(got))
		}
		for _, a := range got {
			if a.Date.Before(DefaultStart) || a.Date.After(DefaultStart.AddDate(DefaultYears, 1, 0)) {
				t.Errorf("Articles %d: date %v outside the default span", n, a.Date)
			}
		}
	}
	// A zero DuplicateRate means none.
	g := newGen(Config{Articles: 5000, Seed: 1})
	for {
		if _, ok := g.next(); !ok {
			break
		}
	}
	if g.stats.dups != 0 {
		t.Errorf("%d duplicates with DuplicateRate 0", g.stats.dups)
	}
	// A short span and a start time in another zone.
	loc := time.FixedZone("x", -5*3600)
	cfg := Config{Articles: 2000, Seed: 2, Start: time.Date(2020, 3, 1, 22, 0, 0, 0, loc), Years: 0.05, DuplicateRate: 5}
	got := collect(cfg, -1)
	if got[0].Date != time.Date(2020, 3, 2, 0, 0, 0, 0, time.UTC) {
		t.Errorf("first date %v, want the UTC day of Start", got[0].Date)
	}
	if last := got[len(got)-1].Date; last.After(time.Date(2020, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("last date %v for a span of 18 days", last)
	}
	// Stopping early stops the generator.
	n := 0
	for range Stream(DefaultConfig(1000, 1)) {
		if n++; n == 10 {
			break
		}
	}
}
