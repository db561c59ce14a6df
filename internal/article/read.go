package article

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// DefaultMaxFileBytes bounds how much of one input file is read: a larger file
// is reported and skipped rather than exhausting memory.
const DefaultMaxFileBytes = 64 << 20

// A Reader reads articles from files and directories.
type Reader struct {
	// MaxFileBytes is the largest file read; 0 means DefaultMaxFileBytes.
	MaxFileBytes int64
}

// A parseFunc turns the content of one file into articles. It yields a
// non-nil error for an item it had to skip and goes on with the next one.
type parseFunc func(path string, data []byte, yield func(Article, error) bool) bool

// formats maps a file extension to its parser. Files with other extensions
// are sniffed by content.
var formats = map[string]parseFunc{
	".txt":    parseText,
	".text":   parseText,
	".jsonl":  parseJSONLines,
	".ndjson": parseJSONLines,
	".json":   parseJSON,
	".html":   parseHTML,
	".htm":    parseHTML,
	".xhtml":  parseHTML,
	".xml":    parseFeed,
	".rss":    parseFeed,
	".atom":   parseFeed,
}

// All yields every article found under paths, in a stable order: paths in
// the order given, directory entries sorted by name. A non-nil error is a
// problem with one item (usually a *Problem); the stream goes on after it.
func (r *Reader) All(paths ...string) iter.Seq2[Article, error] {
	return func(yield func(Article, error) bool) {
		for _, p := range paths {
			files, err := listFiles(p)
			if err != nil {
				if !yield(Article{}, &Problem{Path: p, Err: err}) {
					return
				}
				continue
			}
			for _, f := range files {
				if !r.readFile(f, yield) {
					return
				}
			}
		}
	}
}

// ReadAll collects the articles under paths and the problems met on the way.
func (r *Reader) ReadAll(paths ...string) ([]Article, []error) {
	var arts []Article
	var problems []error
	for a, err := range r.All(paths...) {
		if err != nil {
			problems = append(problems, err)
			continue
		}
		arts = append(arts, a)
	}
	return arts, problems
}

func listFiles(root string) ([]string, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{root}, nil
	}
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if path != root && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

func (r *Reader) readFile(path string, yield func(Article, error) bool) bool {
	limit := r.MaxFileBytes
	if limit <= 0 {
		limit = DefaultMaxFileBytes
	}
	data, err := readLimited(path, limit)
	if err != nil {
		return yield(Article{}, &Problem{Path: path, Err: err})
	}
	if err := checkBinary(data); err != nil {
		return yield(Article{}, &Problem{Path: path, Err: err})
	}
	parse := formats[strings.ToLower(filepath.Ext(path))]
	if parse == nil {
		parse = sniff(data)
	}
	return parse(path, data, yield)
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("file larger than the limit of %d bytes, skipped", limit)
	}
	return data, nil
}

// sniff picks a parser from the first non-space bytes of a file whose
// extension says nothing.
func sniff(data []byte) parseFunc {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	head := bytes.ToLower(trimmed[:min(len(trimmed), sniffWindow)])
	switch {
	case bytes.HasPrefix(trimmed, []byte("{")):
		if isJSONFeed(data) {
			return parseFeed
		}
		return parseJSONLines
	case bytes.HasPrefix(trimmed, []byte("[")):
		return parseJSON
	case bytes.HasPrefix(head, []byte("<rss")), bytes.HasPrefix(head, []byte("<feed")):
		return parseFeed
	case bytes.HasPrefix(head, []byte("<!doctype html")), bytes.HasPrefix(head, []byte("<html")):
		return parseHTML
	case bytes.HasPrefix(head, []byte("<?xml")):
		// The prolog says XML, not which kind: look for the root element.
		switch {
		case bytes.Contains(head, []byte("<rss")), bytes.Contains(head, []byte("<feed")),
			bytes.Contains(head, []byte("<rdf:rdf")):
			return parseFeed
		case bytes.Contains(head, []byte("<html")):
			return parseHTML
		}
	}
	return parseText
}

// sniffWindow is how far into a file sniff looks for a root element, past
// an XML prolog, comments and a doctype.
const sniffWindow = 2048

// validText replaces invalid UTF-8 so that nothing downstream sees broken
// strings, and reports whether anything had to be replaced.
func validText(s string) (string, bool) {
	if utf8.ValidString(s) {
		return s, true
	}
	return strings.ToValidUTF8(s, "\uFFFD"), false
}

// idFromPath is the file name without its extension.
func idFromPath(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}
