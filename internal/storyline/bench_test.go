package storyline

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// A step is one call the pipeline makes on the linker: Update(p), or
// Retire(p.Event) once the event has stopped growing.
type step struct {
	p      Profile
	retire bool
}

// apply makes the step's call and returns the link Update gave.
func (st step) apply(l *Linker) (Link, bool) {
	if st.retire {
		l.Retire(st.p.Event)
		return Link{}, false
	}
	return l.Update(st.p), true
}

// A newsStream generates what the pipeline feeds the linker on a long news
// stream: events of Zipfian sizes (most are one article, a few run to
// hundreds) about Zipfian topics, each event's profile the top names and
// terms of its articles so far, as Salient gives them, and many events live
// at once, their articles interleaved. Topics bring recurring names and
// words, so frequent keys have long posting lists and big storylines get
// pruned; the vocabulary's Zipfian tail gives each event its own words.
type newsStream struct {
	r               *rand.Rand
	topic, size     *rand.Zipf
	name, term      *rand.Zipf
	topicNames      [][]string
	topicTerms      [][]uint64
	events, started int
	live            []*newsEvent
}

type newsEvent struct {
	id, topic, left int
	own             []string // the event's own actors and places
	words           []uint64 // and its distinctive words
	names           map[string]float64
	terms           map[uint64]float64
}

const (
	streamTopics     = 20000
	streamVocabulary = 50000
	streamNames      = 30000
	streamStopWords  = 100
	streamLive       = 200 // events growing at once
)

func newNewsStream(events int, seed uint64) *newsStream {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	g := &newsStream{r: r, events: events,
		topic: rand.NewZipf(r, 1.1, 20, streamTopics-1),
		size:  rand.NewZipf(r, 1.8, 1, 400),
		name:  rand.NewZipf(r, 1.1, 4, streamNames-1),
		term:  rand.NewZipf(r, 1.1, 8, streamVocabulary-1),
	}
	for range streamTopics {
		var names []string
		for range 6 {
			names = append(names, g.nameOf(g.name.Uint64()))
		}
		var terms []uint64
		for range 30 {
			terms = append(terms, streamStopWords+g.term.Uint64())
		}
		g.topicNames = append(g.topicNames, names)
		g.topicTerms = append(g.topicTerms, terms)
	}
	return g
}

func (g *newsStream) nameOf(i uint64) string {
	return [...]string{"person", "place", "org"}[i%3] + fmt.Sprintf(":n%d", i)
}

// next returns the next step, or false once every event has ended.
func (g *newsStream) next() (step, bool) {
	if g.started < g.events && (len(g.live) < streamLive || g.r.IntN(3) == 0) {
		e := &newsEvent{id: g.started, topic: int(g.topic.Uint64()), left: 1 + int(g.size.Uint64()),
			names: map[string]float64{}, terms: map[uint64]float64{}}
		for range 3 {
			e.own = append(e.own, g.nameOf(streamNames+g.r.Uint64N(1e6)))
		}
		for range 8 {
			e.words = append(e.words, streamVocabulary/10+g.r.Uint64N(streamVocabulary*9/10))
		}
		g.started++
		g.live = append(g.live, e)
		return g.grow(e), true
	}
	if len(g.live) == 0 {
		return step{}, false
	}
	i := g.r.IntN(len(g.live))
	e := g.live[i]
	if e.left == 0 {
		g.live[i] = g.live[len(g.live)-1]
		g.live[len(g.live)-1] = nil // not to count its maps as the linker's
		g.live = g.live[:len(g.live)-1]
		return step{p: Profile{Event: e.id}, retire: true}, true
	}
	return g.grow(e), true
}

// grow adds an article to e and returns e's new profile.
func (g *newsStream) grow(e *newsEvent) step {
	e.left--
	for _, k := range e.own {
		e.names[k]++
	}
	names, terms := g.topicNames[e.topic], g.topicTerms[e.topic]
	for range 2 {
		e.names[names[g.r.IntN(len(names))]]++
	}
	e.names[g.nameOf(g.name.Uint64())]++
	for _, t := range e.words {
		e.terms[t] += g.r.Float64() * 2 * math.Log(2+float64(t))
	}
	for range 6 {
		t := terms[g.r.IntN(len(terms))]
		e.terms[t] += g.r.Float64() * math.Log(2+float64(t))
	}
	for range 50 {
		// Rare words weigh more, as their IDF does; the commonest are
		// stop words, which analysis drops.
		if t := g.term.Uint64(); t >= streamStopWords {
			e.terms[t] += g.r.Float64() * math.Log(2+float64(t))
		}
	}
	// An event keeps its heaviest keys, as a centroid does.
	if len(e.terms) > 200 {
		e.terms = top(e.terms, 100)
	}
	if len(e.names) > 100 {
		e.names = top(e.names, 50)
	}
	return step{p: Profile{Event: e.id, Entities: top(e.names, 12), Terms: top(e.terms, 30)}}
}

// top returns the n heaviest entries of m, as Salient does.
func top[K cmp.Ordered](m map[K]float64, n int) map[K]float64 {
	type kw struct {
		k K
		w float64
	}
	all := make([]kw, 0, len(m))
	for k, w := range m {
		all = append(all, kw{k, w})
	}
	slices.SortFunc(all, func(a, b kw) int {
		if c := cmp.Compare(b.w, a.w); c != 0 {
			return c
		}
		return cmp.Compare(a.k, b.k)
	})
	out := make(map[K]float64, min(n, len(all)))
	for _, x := range all[:min(n, len(all))] {
		out[x.k] = x.w
	}
	return out
}

// BenchmarkUpdate runs the linker over a stream of 10,000 and of 50,000
// events and reports the time per Update and the heap the linker keeps per
// storyline. Profiles are generated in batches outside the timer.
func BenchmarkUpdate(b *testing.B) {
	for _, events := range []int{10000, 50000} {
		b.Run(fmt.Sprintf("events=%d", events), func(b *testing.B) { benchmarkUpdate(b, events) })
	}
}

func benchmarkUpdate(b *testing.B, events int) {
	const batch = 4096
	var updates, storylines int
	var heap uint64
	for range b.N {
		b.StopTimer()
		g := newNewsStream(events, 1)
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		l := NewLinker(DefaultConfig())
		steps := make([]step, 0, batch)
		updates = 0
		for more := true; more; {
			steps = steps[:0]
			for len(steps) < batch {
				st, ok := g.next()
				if !ok {
					more = false
					break
				}
				steps = append(steps, st)
			}
			b.StartTimer()
			for _, st := range steps {
				if _, ok := st.apply(l); ok {
					updates++
				}
			}
			b.StopTimer()
		}
		steps = nil
		runtime.GC()
		runtime.ReadMemStats(&ms)
		heap = ms.HeapAlloc - before
		storylines = len(l.Storylines())
		runtime.KeepAlive(l)
		runtime.KeepAlive(g)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*updates), "ns/update")
	b.ReportMetric(float64(heap)/float64(storylines), "B/storyline")
	b.ReportMetric(float64(storylines), "storylines")
	b.ReportMetric(float64(updates), "updates")
}
