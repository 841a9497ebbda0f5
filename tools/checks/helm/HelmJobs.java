// Runs `helm lint` and `helm template` through helm-java for helm.ts, many jobs per JVM start.
// Usage: java -cp '<libs>/*' HelmJobs.java <jobs-file>. Each line of the jobs file is tab-separated:
//   lint     <chart-dir> <out-file>
//   template <chart-dir> <release> <namespace> <values-file or -> <out-file>
// Each job writes its output to <out-file> and "ok" or "failed" to <out-file>.status; a Helm error's
// message is the output of a failed job.
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

public class HelmJobs {
  public static void main(String[] args) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    for (String line : lines) {
      if (line.isBlank()) continue;
      String[] job = line.split("\t", -1);
      Path out = Path.of(job[job.length - 1]);
      String output;
      boolean ok;
      try {
        switch (job[0]) {
          case "lint" -> {
            LintResult result = new Helm(Path.of(job[1])).lint().strict().call();
            output = String.join("\n", result.getMessages());
            ok = !result.isFailed();
          }
          case "template" -> {
            TemplateCommand template =
                new Helm(Path.of(job[1])).template().withName(job[2]).withNamespace(job[3]);
            if (!job[4].equals("-")) template = template.withValuesFile(Path.of(job[4]));
            output = template.call();
            ok = true;
          }
          default -> throw new IllegalArgumentException("unknown job " + job[0]);
        }
      } catch (RuntimeException e) {
        output = String.valueOf(e.getMessage());
        ok = false;
      }
      Files.writeString(out, output, StandardCharsets.UTF_8);
      Files.writeString(Path.of(out + ".status"), ok ? "ok" : "failed", StandardCharsets.UTF_8);
    }
  }
}
