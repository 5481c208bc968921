// Renders External Secrets templates the way the pinned operator (0.19.2) does, for the tests:
// Go text/template with Sprig's TxtFuncMap minus env/expandenv (external-secrets
// pkg/template/v2/template.go at v0.19.2), same sprig fork and version as its go.mod.
// Reads {"templates": {key: template}, "data": {key: value}} on stdin, writes {key: rendered}.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

func main() {
	var in struct {
		Templates map[string]string `json:"templates"`
		Data      map[string]string `json:"data"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "reading input:", err)
		os.Exit(2)
	}
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	out := map[string]string{}
	for k, v := range in.Templates {
		t, err := template.New(k).Funcs(funcs).Parse(v)
		if err != nil {
			fmt.Fprintf(os.Stderr, "parsing %s: %v\n", k, err)
			os.Exit(1)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, in.Data); err != nil {
			fmt.Fprintf(os.Stderr, "executing %s: %v\n", k, err)
			os.Exit(1)
		}
		out[k] = buf.String()
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(2)
	}
}
