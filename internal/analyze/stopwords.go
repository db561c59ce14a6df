package analyze

import "strings"

// stopWords are English function words and reporting verbs that say nothing
// about which event an article reports.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
a about above after again against ago all almost along already also although always am among an and another any anyone anything are aren't around as at
be became because become been before being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
each either else even ever every few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his how how's however
i i'd i'll i'm i've if in into is isn't it it's its itself just last least less let's like likely made make many may me might more most much must my myself
never new no nor not now of off often on once one only or other others our ours ourselves out over own per perhaps rather
said same say says see seen she she'd she'll she's should shouldn't since so some still such than that that's the their theirs them themselves then there there's these they they'd they'll they're they've this those though through thus to too told toward towards
under until up upon us very via was wasn't we we'd we'll we're we've were weren't what what's when when's where where's whether which while who who's whom whose why why's will with within without won't would wouldn't
yet you you'd you'll you're you've your yours yourself yourselves
according added adding also amid among around asked call called come comes coming get gets getting go goes going got know known including later like mr mrs ms
near next news reported reporting reports saying stated statement take taken tell think time times told two three four five week weeks year years day days month months
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
`) {
		m[w] = true
	}
	return m
}()
