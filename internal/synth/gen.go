package synth

import (
	"strconv"
	"time"

	"storyline/internal/article"
)

// Event shape.
const (
	// sizeExponent makes event sizes Zipfian: with exponent 2 about 60% of
	// events are single articles and the mean size is near 5, while the
	// largest reach the hundreds, as wire coverage of big stories does.
	sizeExponent = 2.0
	// maxEventSize caps the largest event; smaller streams cap it at
	// Articles/sizeCapDivisor so one event cannot be the whole stream.
	maxEventSize   = 1500
	sizeCapDivisor = 40
	// maxDur is the most days an event's articles are spread over.
	maxDur = 3
	// maxOrigs is how many earlier articles of an event are kept to copy
	// from: enough for copies of varied originals, and a bound on memory.
	maxOrigs = 4
)

// Topic shape.
const (
	// topicsPerDailyEvent sizes the pool of live topics from the number of
	// events a day: each topic gets a new event every week or so.
	topicsPerDailyEvent = 8
	minTopics           = 16
	maxTopics           = 2000
	// A topic lives from one month to a year, then a new subject takes its
	// place in the pool.
	minTopicDays = 30
	maxTopicDays = 365
)

// News volume by weekday, Sunday first: weekends are quiet.
var weekdayLoad = [7]float64{0.6, 1.05, 1.1, 1.1, 1.1, 1.05, 0.7}

const weekdayMean = 6.7 / 7

// Burst days: on 5% of days several times the usual number of events
// start. burstMean is the resulting mean factor, divided out.
const (
	burstPermille = 50
	burstMean     = 0.95 + 0.05*4
)

// correction is the share of the gap between the articles scheduled so far
// and the even-rate target that is closed each day: it keeps the dates
// spread over the whole span whatever the draws of event sizes and bursts.
const correction = 0.02

// A person is a synthetic actor: indexes into the name pools and roles.
type person struct {
	first, last int32
	role        int8
}

// A topic is a long-running subject: its vocabulary and recurring actors,
// organisations and places are shared by all its events.
type topic struct {
	label   string
	words   []int32
	actors  []person
	orgs    []int32
	places  []int32
	expires int // last day a new event may take this topic
}

// An orig is an original article of an event, kept so that later articles
// may copy it.
type orig struct {
	title, text string
	lede        int // offset in text just past the byline and lead sentence
	source      int
}

// An event is one happening: the unit of the gold labels.
type event struct {
	label  string
	topic  *topic
	start  int // day index
	dur    int
	date   time.Time
	counts [maxDur]int32 // articles on each day from start
	size   int
	words  []int32  // distinctive words, most characteristic first
	actors []person // main actor first
	place  int32
	org    int32 // -1: none of its own, use the topic's
	origs  [maxOrigs]orig
	norig  int
}

// stats are counters the tests read to check that memory stays bounded.
type stats struct {
	maxLive   int // most events live at once
	liveSum   int // events live, summed over days
	days      int
	maxQueue  int // most articles of one day
	events    int
	topics    int
	dups      int
	eventsMax int // largest event size drawn
}

// gen generates a stream day by day: each day it retires the events whose
// days are over, starts new ones, and shuffles the articles that the live
// events publish that day.
type gen struct {
	lx      *lexicon
	r       rng
	n       int
	dupRate float64
	start   time.Time
	days    int
	perDay  float64

	sizes     alias // event size - 1
	topics    []*topic
	topicPick alias

	day       int
	date      time.Time
	credit    float64 // articles owed to the schedule, in events not yet started
	scheduled int     // articles of the events started so far
	emitted   int
	eligible  int // articles emitted whose event already had an original
	nextEvent int
	nextTopic int

	live  []*event
	free  []*event
	queue []int32 // indexes into live, one per article of the day
	qpos  int

	buf, ubuf []byte
	stats     stats
}

func newGen(cfg Config) *gen {
	cfg = cfg.normalized()
	g := &gen{
		lx:      lex(),
		r:       newRNG(cfg.Seed, 2),
		n:       cfg.Articles,
		dupRate: cfg.DuplicateRate,
		start:   cfg.Start,
		day:     -1,
	}
	g.days = max(1, int(float64(cfg.Years*365.25)+0.5))
	g.perDay = float64(g.n) / float64(g.days)
	maxSize := min(maxEventSize, max(1, g.n/sizeCapDivisor))
	w := zipfWeights(maxSize, sizeExponent, 0)
	g.sizes = newAlias(w)
	var sum, mean float64
	for i, x := range w {
		sum += x
		mean += float64(x * float64(i+1))
	}
	mean /= sum
	nTopics := min(maxTopics, max(minTopics, int(g.perDay/mean*topicsPerDailyEvent)))
	g.topics = make([]*topic, nTopics)
	g.topicPick = newAlias(zipfWeights(nTopics, 1, 1))
	return g
}

// next returns the next article, or false at the end of the stream.
func (g *gen) next() (article.Article, bool) {
	if g.emitted >= g.n {
		return article.Article{}, false
	}
	for g.qpos >= len(g.queue) {
		g.advance()
	}
	ev := g.live[g.queue[g.qpos]]
	g.qpos++
	return g.article(ev), true
}

// advance moves to the next day.
func (g *gen) advance() {
	g.day++
	g.date = g.start.AddDate(0, 0, g.day)
	keep := g.live[:0]
	for _, ev := range g.live {
		if g.day < ev.start+ev.dur {
			keep = append(keep, ev)
		} else {
			g.release(ev)
		}
	}
	clear(g.live[len(keep):])
	g.live = keep

	if g.scheduled < g.n {
		target := float64(g.n) * float64(min(g.day+1, g.days)) / float64(g.days)
		owed := float64(g.perDay * g.dayFactor())
		gap := float64(correction * (target - float64(g.scheduled) - g.credit))
		g.credit += owed + gap
		for g.credit > 0 && g.scheduled < g.n {
			ev := g.newEvent()
			g.credit -= float64(ev.size)
			g.scheduled += ev.size
		}
	}

	g.queue = g.queue[:0]
	for i, ev := range g.live {
		for range ev.counts[g.day-ev.start] {
			g.queue = append(g.queue, int32(i))
		}
	}
	for i := len(g.queue) - 1; i > 0; i-- {
		j := g.r.intn(i + 1)
		g.queue[i], g.queue[j] = g.queue[j], g.queue[i]
	}
	g.qpos = 0
	g.stats.maxLive = max(g.stats.maxLive, len(g.live))
	g.stats.liveSum += len(g.live)
	g.stats.days++
	g.stats.maxQueue = max(g.stats.maxQueue, len(g.queue))
}

// dayFactor is the day's news volume relative to the mean: weekly rhythm,
// day-to-day noise and occasional bursts, with mean 1.
func (g *gen) dayFactor() float64 {
	f := weekdayLoad[g.date.Weekday()] / weekdayMean
	f *= 0.6 + float64(0.8*g.r.float())
	if g.r.permille(burstPermille) {
		f *= 2 + float64(4*g.r.float())
	}
	return f / burstMean
}

// release returns a finished event to the free list, dropping its
// references to article texts so they can be collected.
func (g *gen) release(ev *event) {
	ev.topic = nil
	ev.origs = [maxOrigs]orig{}
	ev.norig = 0
	g.free = append(g.free, ev)
}

func (g *gen) newEvent() *event {
	var ev *event
	if n := len(g.free); n > 0 {
		ev = g.free[n-1]
		g.free = g.free[:n-1]
	} else {
		ev = &event{}
	}
	g.nextEvent++
	g.stats.events++
	r := &g.r
	t := g.pickTopic()
	ev.label = "e" + strconv.Itoa(g.nextEvent)
	ev.topic = t
	ev.start = g.day
	ev.date = g.date
	ev.size = 1 + g.sizes.sample(r)
	g.stats.eventsMax = max(g.stats.eventsMax, ev.size)
	switch {
	case ev.size == 1:
		ev.dur = 1
	case ev.size <= 4:
		ev.dur = r.between(1, 2)
	default:
		ev.dur = r.between(2, maxDur)
	}
	// Most articles appear on the event's day, fewer on each day after.
	ev.counts = [maxDur]int32{1}
	for range ev.size - 1 {
		d := 0
		switch u := r.intn(100); {
		case u >= 85:
			d = 2
		case u >= 55:
			d = 1
		}
		ev.counts[min(d, ev.dur-1)]++
	}

	ev.words = ev.words[:0]
	for range r.between(6, 12) {
		ev.words = append(ev.words, int32(r.between(eventWordLo, vocabSize-1)))
	}
	// The main actor is usually one of the topic's: events of a topic are
	// told through the same people.
	ev.actors = ev.actors[:0]
	if r.permille(750) {
		ev.actors = append(ev.actors, t.actors[r.skewed(len(t.actors))])
	} else {
		ev.actors = append(ev.actors, g.newPerson())
	}
	for range r.between(0, 2) {
		p := g.newPerson()
		if r.permille(600) {
			p = t.actors[r.intn(len(t.actors))]
		}
		if !hasPerson(ev.actors, p) {
			ev.actors = append(ev.actors, p)
		}
	}
	if r.permille(650) {
		ev.place = t.places[r.skewed(len(t.places))]
	} else {
		ev.place = int32(r.intn(len(g.lx.places)))
	}
	switch u := r.intn(4); u {
	case 0, 1:
		ev.org = -1
	case 2:
		ev.org = int32(r.intn(len(g.lx.orgs)))
	default:
		ev.org = t.orgs[r.intn(len(t.orgs))]
	}
	g.live = append(g.live, ev)
	return ev
}

func hasPerson(ps []person, p person) bool {
	for _, q := range ps {
		if q.first == p.first && q.last == p.last {
			return true
		}
	}
	return false
}

// pickTopic draws a topic slot, popular slots more often, and starts a new
// topic in it if its subject has run its course.
func (g *gen) pickTopic() *topic {
	i := g.topicPick.sample(&g.r)
	if t := g.topics[i]; t != nil && g.day <= t.expires {
		return t
	}
	r := &g.r
	g.nextTopic++
	g.stats.topics++
	t := &topic{
		label:   "t" + strconv.Itoa(g.nextTopic),
		expires: g.day + r.between(minTopicDays, maxTopicDays),
	}
	for range r.between(20, 40) {
		t.words = append(t.words, int32(r.between(topicWordLo, topicWordHi-1)))
	}
	for range r.between(3, 6) {
		t.actors = append(t.actors, g.newPerson())
	}
	for range r.between(1, 3) {
		t.orgs = append(t.orgs, int32(r.intn(len(g.lx.orgs))))
	}
	for range r.between(2, 4) {
		t.places = append(t.places, int32(r.intn(len(g.lx.places))))
	}
	g.topics[i] = t
	return t
}

func (g *gen) newPerson() person {
	return person{
		first: int32(g.r.intn(len(g.lx.firsts))),
		last:  int32(g.r.intn(len(g.lx.lasts))),
		role:  int8(g.r.intn(len(roles))),
	}
}
