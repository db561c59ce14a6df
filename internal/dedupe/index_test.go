package dedupe

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// A doc is one original article of an evaluation corpus. Docs of different
// events must not match, even on the same topic.
type doc struct {
	id, event, text string
}

func testdataDocs(t testing.TB) []doc {
	var docs []doc
	// Two topics with two different events each.
	for _, f := range []string{"geneva-talks.txt", "vienna-talks.txt", "port-strike-north.txt", "port-strike-south.txt"} {
		id := strings.TrimSuffix(f, ".txt")
		docs = append(docs, doc{id: id, event: id, text: readText(t, f)})
	}
	return docs
}

func paragraphs(text string) []string {
	var out []string
	for line := range strings.SplitSeq(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// An edit makes a syndicated copy of an article the way republishers do.
// donor is another article, the source of new wording.
type edit struct {
	name  string
	apply func(r *rand.Rand, paras []string, donor []string) []string
}

// substitutes are words an editor might put in: house style, tense, place.
var substitutes = []string{"reportedly", "officials", "local", "on Tuesday", "according to sources", "several", "announced", "stated", "the region's", "major"}

func newIntro(r *rand.Rand, paras, donor []string) []string {
	intro := "(Syndicated) " + donor[r.IntN(len(donor))]
	return append([]string{intro}, paras[1:]...)
}

func trimEnd(frac float64) func(*rand.Rand, []string, []string) []string {
	return func(_ *rand.Rand, paras, _ []string) []string {
		if len(paras) >= 4 {
			return paras[:len(paras)-int(float64(len(paras))*frac+0.5)]
		}
		// Too few paragraphs: cut words instead.
		ws := strings.Fields(strings.Join(paras, " "))
		return []string{strings.Join(ws[:len(ws)-int(float64(len(ws))*frac)], " ")}
	}
}

func substitute(r *rand.Rand, paras, _ []string) []string {
	ws := strings.Fields(strings.Join(paras, "\n"))
	n := max(3, len(ws)/50) // about one word in fifty
	for range n {
		ws[r.IntN(len(ws))] = substitutes[r.IntN(len(substitutes))]
	}
	return []string{strings.Join(ws, " ")}
}

func reformat(_ *rand.Rand, paras, _ []string) []string {
	s := strings.Join(paras, " ")
	s = strings.NewReplacer(`"`, "“", "'", "’", " - ", " – ").Replace(s)
	return []string{strings.ToUpper(s[:1]) + s[1:]}
}

var edits = []edit{
	{"new intro", newIntro},
	{"trimmed ending (25%)", trimEnd(0.25)},
	{"word substitutions (2%)", substitute},
	{"reformatted", reformat},
	{"intro+trim+subst", func(r *rand.Rand, paras, donor []string) []string {
		p := newIntro(r, paras, donor)
		p = trimEnd(0.2)(r, p, donor)
		return substitute(r, p, donor)
	}},
}

// evaluation is the outcome of one run of the near-duplicate test set.
// Articles of one event may be genuine wire copies of each other (ECB+ has
// several), so a match within an event is reported, not counted as false;
// a match across events is a false positive.
type evaluation struct {
	originals, copies int
	found             int            // copies matched to their own original
	sameEvent         int            // copies matched to another article of the event
	crossEvent        int            // copies or originals matched across events: false positives
	corpusCopies      int            // originals matched to an earlier original of their event
	foundByEdit       map[string]int // copies found, per edit
	lowestByEdit      map[string]float64
	maxCross          float64 // highest score between articles of different events
	examples          []string
}

func (e evaluation) precision() float64 {
	if e.found+e.crossEvent == 0 {
		return 1
	}
	return float64(e.found) / float64(e.found+e.crossEvent)
}

func (e evaluation) recall() float64 { return float64(e.found) / float64(e.copies) }

func describe(o Options) string {
	ix := NewIndex(o)
	name := "Jaccard"
	if o.Measure == Containment {
		name = "containment"
	}
	return fmt.Sprintf("%s >= %.2f", name, ix.threshold())
}

func (e evaluation) log(t *testing.T, name string, opts Options) {
	t.Logf("%s, %v: %d copies: precision %.3f, recall %.3f; copies matched to another article of their event %d, false matches across events %d, corpus articles matched to an earlier copy of their event %d; highest score across events %.2f",
		name, describe(opts), e.copies, e.precision(), e.recall(), e.sameEvent, e.crossEvent, e.corpusCopies, e.maxCross)
	for _, ed := range edits {
		t.Logf("    %-24s recall %.3f, lowest score to original %.2f", ed.name, float64(e.foundByEdit[ed.name])/float64(e.originals), e.lowestByEdit[ed.name])
	}
	for _, ex := range e.examples {
		t.Logf("    %s", ex)
	}
}

// evaluate indexes the originals in stream order, checking each against the
// ones before it, then looks up edited copies of every original.
func evaluate(docs []doc, opts Options, seed uint64) evaluation {
	r := rand.New(rand.NewPCG(seed, 7))
	ix := NewIndex(opts)
	ev := evaluation{originals: len(docs), foundByEdit: map[string]int{}, lowestByEdit: map[string]float64{}}
	sigs := make([]Signature, len(docs))
	byID := map[string]int{}
	for i, d := range docs {
		sigs[i] = SignatureOf(d.text)
		byID[d.id] = i
	}
	for i, d := range docs {
		if id, sim, ok := ix.Find(sigs[i]); ok {
			if docs[byID[id]].event == d.event {
				ev.corpusCopies++
			} else {
				ev.crossEvent++
				ev.examples = append(ev.examples, fmt.Sprintf("false match: %s ~ %s (%.2f)", d.id, id, sim))
			}
		}
		ix.Add(d.id, sigs[i])
		for j := range i {
			if docs[j].event != d.event {
				ev.maxCross = max(ev.maxCross, ix.score(&sigs[i], &sigs[j]))
			}
		}
	}
	for i, d := range docs {
		paras := paragraphs(d.text)
		// The donor of new wording is an article of another event, as a
		// republisher's intro is its own text.
		donor := docs[(i+len(docs)/2)%len(docs)]
		for _, ed := range edits {
			cs := SignatureOf(strings.Join(ed.apply(r, slices.Clone(paras), paragraphs(donor.text)), "\n"))
			score := ix.score(&cs, &sigs[i])
			if old, ok := ev.lowestByEdit[ed.name]; !ok || score < old {
				ev.lowestByEdit[ed.name] = score
			}
			ev.copies++
			id, _, ok := ix.Find(cs)
			switch {
			case !ok:
			case id == d.id:
				ev.found++
				ev.foundByEdit[ed.name]++
			case docs[byID[id]].event == d.event:
				ev.sameEvent++
			default:
				ev.crossEvent++
				ev.examples = append(ev.examples, fmt.Sprintf("false match: %s copy (%s) ~ %s", d.id, ed.name, id))
			}
		}
	}
	return ev
}

// measures are the configurations the evaluation reports on.
var measures = []Options{
	{Measure: Jaccard, Threshold: 0.5},
	{Measure: Jaccard},
	{Measure: Jaccard, Threshold: 0.7},
	{Measure: Containment, Threshold: 0.6},
	{Measure: Containment},
	{Measure: Containment, Threshold: 0.8},
}

func TestSyndicatedCopies(t *testing.T) {
	docs := testdataDocs(t)
	for _, opts := range measures {
		ev := evaluate(docs, opts, 1)
		ev.log(t, "testdata", opts)
		if opts.Threshold != 0 {
			continue
		}
		// With the defaults, every single edit must be caught and nothing
		// confused; combined edits are the measure's limit.
		for _, ed := range edits {
			if ed.name != "intro+trim+subst" || opts.Measure == Containment {
				if n := ev.foundByEdit[ed.name]; n != len(docs) {
					t.Errorf("%s: %s: found %d of %d", describe(opts), ed.name, n, len(docs))
				}
			}
		}
		if ev.crossEvent > 0 || ev.sameEvent > 0 || ev.maxCross > 0.15 {
			t.Errorf("%s: %d false matches, highest score across events %.2f", describe(opts), ev.crossEvent, ev.maxCross)
		}
	}
}

// TestEvaluateSharedData runs the evaluation on the project's seeds and its
// ECB+ development set, whose topics each hold two different events of the
// same kind: the hardest negatives available. The figures are logged.
func TestEvaluateSharedData(t *testing.T) {
	var docs []doc
	seeds, _ := filepath.Glob("../../../shared/seeds/*.txt")
	for _, f := range seeds {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Seeds have no event labels: each is taken as its own event.
		docs = append(docs, doc{id: filepath.Base(f), event: f, text: string(data)})
	}
	if f, err := os.Open("../../../shared/datasets/ecbplus-dev.jsonl"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<22)
		for sc.Scan() {
			var rec struct{ ID, Text, Event string }
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Fatal(err)
			}
			// Copies of very short texts are not a syndication case.
			if len(strings.Fields(rec.Text)) >= 80 {
				docs = append(docs, doc{id: rec.ID, event: rec.Event, text: rec.Text})
			}
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if len(docs) == 0 {
		t.Skip("no shared seeds or datasets")
	}
	// Stream order: shuffled, deterministically.
	sort.SliceStable(docs, func(i, j int) bool { return hashString(docs[i].id) < hashString(docs[j].id) })
	for _, opts := range measures {
		ev := evaluate(docs, opts, 42)
		ev.log(t, fmt.Sprintf("seeds+ECB+ (%d articles)", len(docs)), opts)
		if opts.Threshold == 0 && (ev.precision() < 0.99 || ev.recall() < 0.85) {
			t.Errorf("%s: precision %.3f, recall %.3f", describe(opts), ev.precision(), ev.recall())
		}
	}
}

func hashString(s string) uint64 {
	var h uint64 = fnvOffset
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

func TestIndexFind(t *testing.T) {
	docs := testdataDocs(t)
	ix := NewIndex(Options{})
	for _, d := range docs {
		ix.Add(d.id, SignatureOf(d.text))
	}
	geneva := paragraphs(docs[0].text)
	tests := []struct {
		name   string
		text   string
		wantID string
	}{
		{"exact copy", docs[0].text, "geneva-talks"},
		{"new intro", strings.Join(append([]string{"GENEVA (Wire) – Talks began again on Sunday, our correspondent reports."}, geneva[1:]...), "\n"), "geneva-talks"},
		{"trimmed ending", strings.Join(geneva[:6], "\n"), "geneva-talks"},
		{"first two paragraphs only", strings.Join(geneva[:2], "\n"), ""},
		{"same topic, other event", docs[1].text, "vienna-talks"},
		{"unrelated", "The league title was decided on goal difference after a dramatic final afternoon of the season.", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, sim, ok := ix.Find(SignatureOf(tt.text))
			if tt.wantID == "" {
				if ok {
					t.Errorf("found %s (%.2f), want nothing", id, sim)
				}
				return
			}
			if !ok || id != tt.wantID {
				t.Errorf("Find = %q, %.2f, %v; want %q", id, sim, ok, tt.wantID)
			}
			if sim < DefaultThreshold || sim > 1 {
				t.Errorf("similarity %.2f out of range", sim)
			}
		})
	}
}

func TestIndexTieBreak(t *testing.T) {
	text := readText(t, "geneva-talks.txt")
	sig := SignatureOf(text)
	for range 20 { // map iteration order must not matter
		ix := NewIndex(Options{})
		ix.Add("first", sig)
		ix.Add("second", sig)
		ix.Add("third", sig)
		if id, sim, ok := ix.Find(sig); !ok || id != "first" || sim != 1 {
			t.Fatalf("Find = %q, %.2f, %v; want the earliest, first", id, sim, ok)
		}
	}
}

func TestIndexThreshold(t *testing.T) {
	docs := testdataDocs(t)
	paras := paragraphs(docs[0].text)
	half := strings.Join(paras[:len(paras)/2+1], "\n")
	sa, sb := SignatureOf(docs[0].text), SignatureOf(half)
	sim := Similarity(&sa, &sb)
	tests := []struct {
		threshold float64
		want      bool
	}{
		{0, sim >= DefaultThreshold},
		{sim - 0.01, true},
		{sim, true},
		{sim + 0.01, false},
		{1, false},
	}
	for _, tt := range tests {
		ix := NewIndex(Options{Threshold: tt.threshold})
		ix.Add("full", sa)
		if _, _, ok := ix.Find(sb); ok != tt.want {
			t.Errorf("threshold %.3f (similarity %.3f): found %v, want %v", tt.threshold, sim, ok, tt.want)
		}
	}
}

func TestIndexCapacity(t *testing.T) {
	docs := testdataDocs(t)
	ix := NewIndex(Options{Capacity: 2})
	var zero Index // the zero value works too, unbounded
	for _, d := range docs {
		ix.Add(d.id, SignatureOf(d.text))
		zero.Add(d.id, SignatureOf(d.text))
	}
	if ix.Len() != 2 || zero.Len() != len(docs) {
		t.Fatalf("Len = %d, %d; want 2, %d", ix.Len(), zero.Len(), len(docs))
	}
	for i, d := range docs {
		_, _, ok := ix.Find(SignatureOf(d.text))
		if want := i >= len(docs)-2; ok != want {
			t.Errorf("%s found %v, want %v", d.id, ok, want)
		}
		if _, _, ok := zero.Find(SignatureOf(d.text)); !ok {
			t.Errorf("zero Index lost %s", d.id)
		}
	}
	// Evicted entries leave no buckets behind.
	if n := len(ix.head); n > 2*bands {
		t.Errorf("%d buckets for 2 entries", n)
	}
}

func TestIndexCapacityChurn(t *testing.T) {
	docs := testdataDocs(t)
	const capacity = 50
	ix := NewIndex(Options{Capacity: capacity})
	r := rand.New(rand.NewPCG(3, 4))
	var recent []Signature
	for i := range 2000 {
		// Many near-identical texts share buckets, exercising "more".
		d := docs[r.IntN(len(docs))]
		ws := strings.Fields(d.text)
		ws[r.IntN(len(ws))] = fmt.Sprint(i)
		sig := SignatureOf(strings.Join(ws, " "))
		ix.Add(fmt.Sprint(i), sig)
		recent = append(recent, sig)
	}
	if ix.Len() != capacity {
		t.Fatalf("Len = %d", ix.Len())
	}
	total := len(ix.head)
	for _, l := range ix.more {
		total += len(l)
	}
	if total != capacity*bands {
		t.Errorf("%d bucket entries, want %d", total, capacity*bands)
	}
	for _, sig := range recent[len(recent)-capacity:] {
		if _, sim, ok := ix.Find(sig); !ok || sim != 1 {
			t.Fatalf("recent signature not found exactly")
		}
	}
}

func TestIndexConcurrent(t *testing.T) {
	docs := testdataDocs(t)
	ix := NewIndex(Options{Capacity: 100})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 200 {
				d := docs[(w+i)%len(docs)]
				sig := SignatureOf(d.text)
				ix.Find(sig)
				ix.Add(fmt.Sprintf("%d-%d", w, i), sig)
			}
		})
	}
	wg.Wait()
	if ix.Len() != 100 {
		t.Errorf("Len = %d", ix.Len())
	}
}

// TestIndexMemory logs what an entry costs, to size Options.Capacity.
func TestIndexMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates a large index")
	}
	const n = 20000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix, _ := benchIndex(t, n)
	runtime.GC()
	runtime.ReadMemStats(&after)
	perEntry := float64(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("about %.0f bytes per entry (%d entries, signatures and buckets)", perEntry, ix.Len())
	if perEntry > 4096 {
		t.Errorf("%.0f bytes per entry", perEntry)
	}
}

func benchIndex(b testing.TB, n int) (*Index, []Signature) {
	docs := testdataDocs(b)
	ix := NewIndex(Options{})
	r := rand.New(rand.NewPCG(5, 6))
	var all []string
	for _, d := range docs {
		all = append(all, strings.Fields(d.text)...)
	}
	var sigs []Signature
	for i := range n {
		ws := make([]string, 400)
		for j := range ws {
			ws[j] = all[r.IntN(len(all))]
		}
		sig := SignatureOf(strings.Join(ws, " "))
		ix.Add(fmt.Sprint(i), sig)
		sigs = append(sigs, sig)
	}
	return ix, sigs
}

func BenchmarkIndexFind(b *testing.B) {
	ix, sigs := benchIndex(b, 20000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ix.Find(sigs[i%len(sigs)])
		i++
	}
}

func BenchmarkIndexAdd(b *testing.B) {
	_, sigs := benchIndex(b, 1000)
	ix := NewIndex(Options{Capacity: 10000})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ix.Add("x", sigs[i%len(sigs)])
		i++
	}
}
