package credentials

import (
	"bytes"
	"fmt"
	"strings"
)

// iniFile is a parsed AWS config or credentials file: section name → key → value. Section
// names keep their case; keys are lower-cased, as the AWS CLI (Python's configparser) does.
type iniFile map[string]map[string]string

// parseINI reads the subset of INI the AWS tools write and accept:
//
//   - "[section]" headers; a section seen twice is merged, later keys winning;
//   - "key = value" or "key: value" lines, whitespace around the delimiter ignored;
//   - whole-line comments starting with "#" or ";" (a ";" or "#" inside a value is kept, since
//     the AWS CLI keeps it too);
//   - indented lines after a key continue its value (the nested "s3 =" blocks), so that a
//     nested "region" never passes for the profile's own;
//   - a UTF-8 byte-order mark and CRLF line ends.
//
// Errors give the line number only: the line itself may hold a secret.
func parseINI(data []byte) (iniFile, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	f := iniFile{}
	var section map[string]string // nil before the first header
	lastKey := ""                 // the key an indented line continues; "" when none
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';' {
			continue
		}
		indented := line[0] == ' ' || line[0] == '\t'
		if indented && lastKey != "" {
			section[lastKey] += "\n" + trimmed
			continue
		}
		if trimmed[0] == '[' {
			if !strings.HasSuffix(trimmed, "]") {
				return nil, fmt.Errorf("line %d: a section header must end with ']'", i+1)
			}
			name := strings.TrimSpace(trimmed[1 : len(trimmed)-1])
			if name == "" {
				return nil, fmt.Errorf("line %d: empty section name", i+1)
			}
			if f[name] == nil {
				f[name] = map[string]string{}
			}
			section, lastKey = f[name], ""
			continue
		}
		cut := strings.IndexAny(trimmed, "=:")
		if cut <= 0 {
			return nil, fmt.Errorf("line %d: expected \"key = value\" or \"[section]\"", i+1)
		}
		if section == nil {
			return nil, fmt.Errorf("line %d: a key comes before any [section] header", i+1)
		}
		key := strings.ToLower(strings.TrimSpace(trimmed[:cut]))
		section[key] = strings.TrimSpace(trimmed[cut+1:])
		lastKey = key
	}
	return f, nil
}
